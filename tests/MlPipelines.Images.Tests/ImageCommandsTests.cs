using System.Text.Json;

namespace MlPipelines.Images.Tests;

public sealed class ImageCommandsTests : IDisposable
{
    private readonly ImageWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public void Build_NoEngine_ExitsZeroWithMessageAndListShowsRendered()
    {
        _ws.RegisterSumModel();

        var r = _ws.Mlp(ImageWorkspace.NoEngine, "image", "build", "sum@champion");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("image context ready at ", r.Stdout);
        Assert.Contains($"no Docker engine at DOCKER_HOST ({ImageWorkspace.NoEngine}", r.Stdout);
        var image = Assert.Single(_ws.Json(ImageWorkspace.NoEngine, "image", "list").EnumerateArray());
        Assert.Equal("rendered", image.GetProperty("state").GetString());
        Assert.Equal("sum", image.GetProperty("model").GetString());
        Assert.True(File.Exists(Path.Combine(image.GetProperty("contextPath").GetString()!, "Dockerfile")));
        var table = _ws.Mlp(ImageWorkspace.NoEngine, "image", "list");
        Assert.Contains("sum:1", table.Stdout);
        Assert.Contains("rendered", table.Stdout);
    }

    [Fact]
    public void Build_UnknownModel_ExitsTwoListingModels()
    {
        _ws.RegisterSumModel("sum");
        _ws.RegisterSumModel("other");

        var r = _ws.Mlp(ImageWorkspace.NoEngine, "image", "build", "iris@champion");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("'iris'", r.Stderr);
        Assert.Contains("'other', 'sum'", r.Stderr);
        Assert.Equal(0, _ws.Json(ImageWorkspace.NoEngine, "image", "list").GetArrayLength());
    }

    [Fact]
    public void Render_OutputFolder_WritesContextWithStableTag()
    {
        _ws.RegisterSumModel();
        var output = Path.Combine(_ws.Root, "ctx");

        var first = _ws.Json(ImageWorkspace.NoEngine, "image", "render", "sum:1", "--output", output, "--base-image", "corp/aspnet:10");
        var second = _ws.Json(ImageWorkspace.NoEngine, "image", "render", "sum@champion", "--output", output, "--base-image", "corp/aspnet:10");

        Assert.Equal(first.GetProperty("tag").GetString(), second.GetProperty("tag").GetString());
        Assert.Equal("corp/aspnet:10", first.GetProperty("baseImage").GetString());
        Assert.Contains("FROM corp/aspnet:10", File.ReadAllText(Path.Combine(output, "Dockerfile")));
        using var image = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "image.json")));
        Assert.Equal("dotnet", image.RootElement.GetProperty("scorer").GetProperty("kind").GetString());
    }

    [Fact]
    public void Build_PasswordStdinWithoutUser_ExitsTwo()
    {
        _ws.RegisterSumModel();

        var r = _ws.Mlp(ImageWorkspace.NoEngine, "image", "build", "sum", "--registry-password-stdin");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--registry-password-stdin needs --registry-user", r.Stderr);
    }
}
