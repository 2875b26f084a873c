using MlPipelines.Core.Errors;

namespace MlPipelines.Workspace.Tests;

public class WorkspaceLocatorTests
{
    private static Dictionary<string, string?> Env(string? value = null) => new() { ["MLP_WORKSPACE"] = value };

    [Fact]
    public void Resolve_ExplicitPath_WinsOverEnvironmentAndParents()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        LocalWorkspace.Init(a.Path).Dispose();
        LocalWorkspace.Init(b.Path).Dispose();
        Assert.Equal(a.Combine(".mlp"), WorkspaceLocator.Resolve(a.Path, b.Path, Env(b.Path)));
    }

    [Fact]
    public void Resolve_EnvironmentVariable_WinsOverParents()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        LocalWorkspace.Init(a.Path).Dispose();
        LocalWorkspace.Init(b.Path).Dispose();
        Assert.Equal(a.Combine(".mlp"), WorkspaceLocator.Resolve(null, b.Path, Env(a.Combine(".mlp"))));
    }

    [Fact]
    public void Resolve_NestedFolder_FindsNearestMlpUpTheTree()
    {
        using var a = new TempDir();
        LocalWorkspace.Init(a.Path).Dispose();
        var deep = a.Combine("x", "y", "z");
        Directory.CreateDirectory(deep);
        Assert.Equal(a.Combine(".mlp"), WorkspaceLocator.Resolve(null, deep, Env()));
    }

    [Fact]
    public void Resolve_NoWorkspaceAnywhere_NamesAllThreeSources()
    {
        using var a = new TempDir();
        var e = Assert.Throws<MlpException>(() => WorkspaceLocator.Resolve(null, a.Path, Env()));
        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains("--workspace", e.Message);
        Assert.Contains("MLP_WORKSPACE", e.Message);
        Assert.Contains(".mlp/", e.Message);
    }

    [Fact]
    public void Resolve_Url_IsRejectedClearly()
    {
        using var a = new TempDir();
        var e = Assert.Throws<MlpException>(() => WorkspaceLocator.Resolve(null, a.Path, Env("https://mlp.example.com")));
        Assert.Contains("MLP_WORKSPACE 'https://mlp.example.com' is a URL", e.Message);
    }

    [Fact]
    public void Resolve_ExplicitPathWithoutWorkspace_SaysSo()
    {
        using var a = new TempDir();
        var e = Assert.Throws<MlpException>(() => WorkspaceLocator.Resolve(a.Path, a.Path, Env()));
        Assert.Contains("--workspace", e.Message);
        Assert.Contains("is not a workspace", e.Message);
    }
}
