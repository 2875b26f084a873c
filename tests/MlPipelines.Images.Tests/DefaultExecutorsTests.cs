using MlPipelines.Core.Runs;

namespace MlPipelines.Images.Tests;

/// <summary>A pipeline program given nothing but <c>PipelineApp.RunAsync&lt;T&gt;(args)</c> runs every built-in step kind.</summary>
public sealed class DefaultExecutorsTests : IDisposable
{
    private readonly ImageWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private async Task<(int Code, string Output)> RunAppAsync(params string[] args)
    {
        var output = new StringWriter();
        var code = await PipelineApp.RunAsync<ImagePipeline>([.. args, "--workspace", _ws.Root],
            new PipelineAppOptions { Out = output, Error = output, PlanDirectory = _ws.Root });
        return (code, output.ToString());
    }

    private void Package()
    {
        // 'run' executes the committed plan; this test's plan lives in its temporary workspace folder.
        var output = new StringWriter();
        var compiled = PipelineApp.RunAsync<ImagePipeline>(["compile"], new PipelineAppOptions { Out = output, Error = output, PlanDirectory = _ws.Root }).GetAwaiter().GetResult();
        Assert.True(compiled == 0, output.ToString());
        var dir = Directory.CreateDirectory(Path.Combine(_ws.Root, "pkg")).FullName;
        File.WriteAllText(Path.Combine(dir, "model.json"), """{"factor":4}""");
        File.WriteAllText(Path.Combine(dir, "scorer.json"), """{"kind":"dotnet","assembly":"MlPipelines.TestScorer.dll"}""");
        File.Copy(ImageWorkspace.TestScorerPath, Path.Combine(dir, "MlPipelines.TestScorer.dll"));
        using var ws = _ws.Open();
        ws.Datasets.Register("pkg", dir);
        // Should DOCKER_HOST name a live engine, the image is built on the local base image (nothing can be pulled here).
        ws.SetSetting(ImageService.DotnetBaseSetting, Services.BaseImage);
    }

    [Fact]
    public async Task Run_NoExecutorsGiven_EvaluateRegisterAndImageStepsRun()
    {
        Package();

        var (code, output) = await RunAppAsync("run");

        Assert.True(code == 0, output);
        using var ws = _ws.Open();
        var steps = ws.Runs.QueryRuns(new RunQuery { Max = 100 }).Where(r => r.Tags.ContainsKey("mlp.step")).ToDictionary(r => r.Tags["mlp.step"]);
        Assert.All(new[] { "train", "evaluate", "register", "image" }, s => Assert.Equal(RunStatus.Completed, steps[s].Status));
        Assert.Contains(steps["image"].Tags["mlp.image.state"], new[] { "rendered", "built" });
        Assert.NotNull(ws.Images.Find(steps["image"].Tags["mlp.image.tag"]));
    }

    [Fact]
    public async Task Run_FailOnGateWithFailingGate_ExitsOne()
    {
        Package();

        var (code, output) = await RunAppAsync("run", "--param", "Accuracy=0.5", "--fail-on-gate");

        Assert.True(code == 1, output);
        using var ws = _ws.Open();
        var evaluate = ws.Runs.QueryRuns(new RunQuery { Max = 100 }).Single(r => r.Tags.GetValueOrDefault("mlp.step") == "evaluate");
        Assert.Equal(RunStatus.Failed, evaluate.Status);
        Assert.Empty(ws.Models.List());
    }
}
