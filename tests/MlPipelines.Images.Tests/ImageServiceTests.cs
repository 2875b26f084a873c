using MlPipelines.Containers;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Registry;
using MlPipelines.Rendering;

namespace MlPipelines.Images.Tests;

public sealed class ImageServiceTests : IDisposable
{
    private readonly ImageWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public void Render_SameModelTwice_SameTagAndContextFolder()
    {
        _ws.RegisterSumModel();
        using var ws = _ws.Open();
        var service = new ImageService(ws) { EnvironmentVariables = _ => null };

        var first = service.Render(ModelRef.Parse("sum@champion"));
        var second = service.Render(ModelRef.Parse("sum:1"));

        Assert.Equal(first.Tag, second.Tag);
        Assert.Matches("^mlp/sum:[0-9a-f]{12}$", first.Tag);
        Assert.Equal(Path.Combine(ws.ScratchDirectory, "images", first.ShortHash), second.Directory);
        var files = first.Files.Select(f => f.Key).ToList();
        foreach (var expected in new[] { "Dockerfile", "image.json", "signature.json", "host/MlPipelines.Serving.dll", "host/MlPipelines.Serving.runtimeconfig.json",
                     "host/MlPipelines.Scoring.Abstractions.dll", "scorer/MlPipelines.TestScorer.dll", "model/model.json" })
            Assert.Contains(expected, files);
        // Only what the scoring host needs goes into host/, not the CLI's other assemblies.
        Assert.DoesNotContain(files, f => f is "host/mlp.dll" or "host/MlPipelines.Workspace.dll" or "host/Spectre.Console.dll");
        var dockerfile = File.ReadAllText(Path.Combine(second.Directory, "Dockerfile"));
        Assert.Contains("FROM " + ImageContextRequest.DefaultDotnetBaseImage, dockerfile);
        Assert.Contains("MLP_SCORER_TYPE=MlPipelines.TestScorer.SumScorer", dockerfile);
        Assert.Single(Directory.GetDirectories(Path.Combine(ws.ScratchDirectory, "images"))); // no leftover work folders
    }

    [Fact]
    public void Render_NewModelVersion_DifferentTag()
    {
        _ws.RegisterSumModel(factor: 2);
        _ws.RegisterSumModel(factor: 3);
        using var ws = _ws.Open();
        var service = new ImageService(ws) { EnvironmentVariables = _ => null };

        Assert.NotEqual(service.Render(ModelRef.Parse("sum:1")).Tag, service.Render(ModelRef.Parse("sum:2")).Tag);
    }

    [Fact]
    public void Render_BaseImage_OptionBeatsWorkspaceSettingBeatsDefault()
    {
        _ws.RegisterSumModel();
        using var ws = _ws.Open();
        var service = new ImageService(ws) { EnvironmentVariables = _ => null };
        var model = ModelRef.Parse("sum@champion");

        Assert.Equal(ImageContextRequest.DefaultDotnetBaseImage, service.Render(model).BaseImage);
        ws.SetSetting(ImageService.DotnetBaseSetting, "corp/aspnet:10");
        Assert.Equal("corp/aspnet:10", service.Render(model).BaseImage);
        var explicitBase = service.Render(model, new ImageOptions { BaseImage = "other/aspnet:10" });
        Assert.Equal("other/aspnet:10", explicitBase.BaseImage);
        Assert.StartsWith("FROM other/aspnet:10", File.ReadAllLines(Path.Combine(explicitBase.Directory, "Dockerfile")).First(l => l.StartsWith("FROM", StringComparison.Ordinal)));
    }

    [Fact]
    public void Render_UserTemplatesFolder_OverridesBuiltInDockerfile()
    {
        _ws.RegisterSumModel();
        var templates = Path.Combine(_ws.Root, "templates");
        Directory.CreateDirectory(Path.Combine(templates, "scoring", "dotnet"));
        File.WriteAllText(Path.Combine(templates, "scoring", "dotnet", "Dockerfile.hbs"), "FROM {{baseImage}}\n# custom image of {{model.name}} v{{model.version}}\n");
        using var ws = _ws.Open();

        var ctx = new ImageService(ws).Render(ModelRef.Parse("sum@champion"), new ImageOptions { TemplatesDirectory = templates });

        Assert.Contains("# custom image of sum v1", File.ReadAllText(Path.Combine(ctx.Directory, "Dockerfile")));
        // The tag is content only: where the templates came from is not recorded, the rendered Dockerfile says it all.
        Assert.DoesNotContain("\"user\"", File.ReadAllText(Path.Combine(ctx.Directory, "image.json")));
    }

    [Fact]
    public async Task BuildAsync_NoEngine_RecordsRenderedContext()
    {
        _ws.RegisterSumModel();
        using var ws = _ws.Open();

        var result = await new ImageService(ws, DockerEndpoint.Parse(ImageWorkspace.NoEngine)).BuildAsync(ModelRef.Parse("sum@champion"));

        Assert.Equal(ImageBuildOutcome.Rendered, result.Outcome);
        Assert.StartsWith($"image context ready at {result.Context.Directory}; no Docker engine at DOCKER_HOST", result.Message);
        var record = ws.Images.Find(result.Context.Tag);
        Assert.NotNull(record);
        Assert.Equal("rendered", record.State);
        Assert.Equal(("sum", 1), (record.Model, record.ModelVersion));
        Assert.Equal(result.Context.Directory, record.ContextPath);
    }

    [Fact]
    public async Task BuildAsync_NoEngineAfterBuilt_KeepsBuiltRecord()
    {
        _ws.RegisterSumModel();
        using var ws = _ws.Open();
        var service = new ImageService(ws, DockerEndpoint.Parse(ImageWorkspace.NoEngine));
        var first = await service.BuildAsync(ModelRef.Parse("sum@champion"));
        ws.Images.Save(first.Record with { State = "built", Digest = "sha256:feed" }); // as a build with an engine records it

        var again = await service.BuildAsync(ModelRef.Parse("sum@champion"));

        Assert.Equal(ImageBuildOutcome.Rendered, again.Outcome);
        Assert.Contains("stays recorded as built", again.Message);
        var record = ws.Images.Find(first.Context.Tag)!;
        Assert.Equal("built", record.State);
        Assert.Equal("sha256:feed", record.Digest);
    }

    [Fact]
    public void Render_ScorePyModel_PythonImageWithDotnetRuntimeFromWorkspaceSetting()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_ws.Root, "py")).FullName;
        File.WriteAllText(Path.Combine(dir, "score.py"), "def init():\n    pass\n\ndef run(raw_data):\n    return raw_data\n");
        File.WriteAllText(Path.Combine(dir, "requirements.txt"), "numpy\n");
        using var ws = _ws.Open();
        ws.Models.Register(new NewModelVersion { Name = "py", LocalPath = dir, Flavor = "sklearn" });
        ws.SetSetting(ImageService.DotnetBaseSetting, "corp/aspnet:10");
        ws.SetSetting(ImageService.PythonBaseSetting, "corp/python:3.11");

        var ctx = new ImageService(ws) { EnvironmentVariables = _ => null }.Render(ModelRef.Parse("py:1"));

        var dockerfile = File.ReadAllText(Path.Combine(ctx.Directory, "Dockerfile"));
        Assert.Equal("corp/python:3.11", ctx.BaseImage);
        Assert.Contains("FROM corp/aspnet:10 AS dotnet", dockerfile);
        Assert.Contains("FROM corp/python:3.11", dockerfile);
        Assert.Contains("MLP_SCORE_PY=/app/scorer/score.py", dockerfile);
        Assert.Contains("pip install --no-cache-dir -r /app/requirements.txt", dockerfile);
        Assert.Contains(ctx.Files, f => f.Key == "requirements.txt");
    }

    [Fact]
    public void Render_ModelWithoutScorer_FailsNamingWhatIsExpected()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_ws.Root, "plain")).FullName;
        File.WriteAllText(Path.Combine(dir, "weights.bin"), "w");
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "n");
        using var ws = _ws.Open();
        ws.Models.Register(new NewModelVersion { Name = "plain", LocalPath = dir });

        var e = Assert.Throws<MlpException>(() => new ImageService(ws).Render(ModelRef.Parse("plain:1")));

        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains("Model 'plain:1' has no scorer", e.Message);
        Assert.Contains("'weights.bin'", e.Message);
    }
}
