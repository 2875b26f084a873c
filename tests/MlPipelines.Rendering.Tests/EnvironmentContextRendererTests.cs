using MlPipelines.Core.Environments;
using MlPipelines.Core.Errors;

namespace MlPipelines.Rendering.Tests;

public sealed class EnvironmentContextRendererTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlp-env-render-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private EnvironmentContext Render(string kind, Dictionary<string, string> def, string name = "train", string? baseOverride = null) =>
        EnvironmentContextRenderer.Render(new EnvironmentRenderRequest { Name = name, Kind = kind, Definition = def, BaseDirectory = _dir, BaseImageOverride = baseOverride });

    private static Dictionary<string, string> Managed() => new()
    {
        ["base"] = "python:3.11-slim", ["apt"] = "libgomp1,git", ["pip"] = "scikit-learn==1.5.2,numpy>=2", ["conda"] = "env/conda.yml",
        ["variables"] = "OMP_NUM_THREADS=1,GREETING=it's \"quoted\"",
    };

    [Fact]
    public void Render_SystemManaged_MatchesApprovedDockerfileAndCopiesTheCondaFile()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "env"));
        File.WriteAllText(Path.Combine(_dir, "env", "conda.yml"), "dependencies: [python=3.11]\n");

        var context = Render(EnvironmentSpec.SystemManaged, Managed());

        Approved.Verify(context.Files.Single(f => f.RelativePath == "Dockerfile").Text!, "system-managed", "Dockerfile");
        Assert.Equal(["Dockerfile", "conda.yml"], context.Files.Select(f => f.RelativePath));
        Assert.Equal($"mlp-env/train:{context.Version[..12]}", context.Image);
        Assert.True(context.NeedsBuild);
        var output = Path.Combine(_dir, "out");
        EnvironmentContextRenderer.WriteTo(context, output);
        Assert.Equal("dependencies: [python=3.11]\n", File.ReadAllText(Path.Combine(output, "conda.yml")));
    }

    [Fact]
    public void Version_ChangesWithTheCondaFileTheBaseOverrideAndTheName_NotWithRendering()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "env"));
        File.WriteAllText(Path.Combine(_dir, "env", "conda.yml"), "a\n");
        var first = Render(EnvironmentSpec.SystemManaged, Managed()).Version;
        Assert.Equal(first, Render(EnvironmentSpec.SystemManaged, Managed()).Version);
        Assert.NotEqual(first, Render(EnvironmentSpec.SystemManaged, Managed(), name: "other").Version);
        Assert.NotEqual(first, Render(EnvironmentSpec.SystemManaged, Managed(), baseOverride: "mirror/python:3.11").Version);
        File.WriteAllText(Path.Combine(_dir, "env", "conda.yml"), "b\n");
        Assert.NotEqual(first, Render(EnvironmentSpec.SystemManaged, Managed()).Version);
    }

    [Fact]
    public void Render_UserManagedDockerfile_ContextFilesHashedLinksOutSkippedAndEditsChangeTheVersion()
    {
        var ctx = Directory.CreateDirectory(Path.Combine(_dir, "docker")).FullName;
        File.WriteAllText(Path.Combine(ctx, "Dockerfile.train"), "FROM busybox\nCOPY app.sh /app.sh\n");
        File.WriteAllText(Path.Combine(ctx, "app.sh"), "echo hi\n");
        var outside = Path.Combine(Path.GetTempPath(), "mlp-env-secret-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(outside, "secret");
        File.CreateSymbolicLink(Path.Combine(ctx, "leak.txt"), outside);
        try
        {
            var def = new Dictionary<string, string> { ["dockerfile"] = "docker/Dockerfile.train", ["context"] = "docker" };
            var context = Render(EnvironmentSpec.UserManaged, def);

            Assert.Equal(["Dockerfile", "Dockerfile.train", "app.sh"], context.Files.Select(f => f.RelativePath));
            Assert.Equal("FROM busybox\nCOPY app.sh /app.sh\n", context.Files[0].Text);
            Assert.Contains(context.Warnings, w => w.Contains("leak.txt"));
            File.WriteAllText(Path.Combine(ctx, "app.sh"), "echo changed\n");
            Assert.NotEqual(context.Version, Render(EnvironmentSpec.UserManaged, def).Version);
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Fact]
    public void Render_UserManagedImage_NothingToBuildVersionFromTheReference()
    {
        var context = Render(EnvironmentSpec.UserManaged, new() { ["image"] = "registry.local:5000/team/sklearn:1.5" });
        Assert.False(context.NeedsBuild);
        Assert.Equal("registry.local:5000/team/sklearn:1.5", context.Image);
        Assert.Empty(context.Files);
    }

    [Fact]
    public void Render_BadDefinitions_ClearErrors()
    {
        (string Kind, Dictionary<string, string> Def, string Message)[] cases =
        [
            (EnvironmentSpec.UserManaged, new() { ["dockerfile"] = "../elsewhere/Dockerfile" }, "is outside the working folder"),
            (EnvironmentSpec.UserManaged, new() { ["dockerfile"] = "/etc/Dockerfile" }, "is outside the working folder"),
            (EnvironmentSpec.UserManaged, new() { ["dockerfile"] = "missing/Dockerfile" }, "does not exist"),
            (EnvironmentSpec.UserManaged, new() { ["image"] = "a", ["dockerfile"] = "b" }, "not both"),
            (EnvironmentSpec.UserManaged, new() { ["pip"] = "numpy" }, "has no field 'pip'"),
            (EnvironmentSpec.SystemManaged, new() { ["pip"] = "numpy" }, "needs a base image"),
            (EnvironmentSpec.SystemManaged, new() { ["base"] = "python:3.11", ["pip"] = "numpy; rm -rf /" }, "is not a package spec"),
            (EnvironmentSpec.SystemManaged, new() { ["base"] = "python:3.11", ["pip"] = "it's" }, "is not a package spec"),
            (EnvironmentSpec.SystemManaged, new() { ["base"] = "python 3.11" }, "is not an image reference"),
            (EnvironmentSpec.SystemManaged, new() { ["base"] = "python:3.11", ["variables"] = "1BAD=x" }, "is not NAME=value"),
            (EnvironmentSpec.SystemManaged, new() { ["base"] = "python:3.11", ["conda"] = "nope.yml" }, "does not exist"),
            ("conda", new() { ["base"] = "python:3.11" }, "expected one of 'curated', 'system-managed', 'user-managed'"),
        ];
        foreach (var (kind, def, message) in cases)
        {
            var e = Assert.Throws<MlpException>(() => Render(kind, def));
            Assert.Equal(ErrorKind.InvalidInput, e.Kind);
            Assert.Contains(message, e.Message);
        }
    }
}
