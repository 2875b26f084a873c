using MlPipelines.Containers;
using MlPipelines.Core.Runs;
using MlPipelines.Executors;
using MlPipelines.Pipelines.Compiler;
using MlPipelines.Runner;

namespace MlPipelines.Images.Tests;

public sealed class ImageExecutorTests : IDisposable
{
    private readonly ImageWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private string Package()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_ws.Root, "pkg")).FullName;
        File.WriteAllText(Path.Combine(dir, "model.json"), """{"factor":4}""");
        File.WriteAllText(Path.Combine(dir, "scorer.json"), """{"kind":"dotnet","assembly":"MlPipelines.TestScorer.dll"}""");
        File.Copy(ImageWorkspace.TestScorerPath, Path.Combine(dir, "MlPipelines.TestScorer.dll"));
        using var ws = _ws.Open();
        ws.Datasets.Register("pkg", dir);
        return dir;
    }

    [Fact]
    public async Task Run_ImageStepWithoutEngine_OutputsTagAndRecordsRenderedImage()
    {
        Package();
        using var ws = _ws.Open();
        var result = await PipelineRunner.RunAsync(PipelineCompiler.Compile(new ImagePipeline()), new PipelineRunOptions
        {
            Workspace = ws, BaseDirectory = _ws.Root, SourceHash = "src-1",
            Executors = [.. DefaultExecutors.Create(), new ImageExecutor { Engine = DockerEndpoint.Parse(ImageWorkspace.NoEngine) }],
            LogFlushInterval = TimeSpan.FromMilliseconds(100),
        });

        Assert.True(result.ExitCode == 0, string.Join("; ", result.Steps.Select(s => $"{s.Name} {s.Status} {s.Reason}")));
        var run = ws.Runs.GetRun(result["image"].RunId!);
        Assert.Equal(RunStatus.Completed, run.Status);
        var tag = run.Tags["mlp.image.tag"];
        Assert.Matches("^mlp/sum:[0-9a-f]{12}$", tag);
        Assert.Equal(tag, run.Tags["mlp.output.image"]);
        Assert.Equal("rendered", run.Tags["mlp.image.state"]);
        Assert.Equal("sum:1", run.Tags["mlp.model"]);
        Assert.Equal("rendered", ws.Images.Find(tag)!.State);
        Assert.True(File.Exists(Path.Combine(run.Tags["mlp.image.context"], "Dockerfile")));
        var logs = string.Join("\n", ws.Runs.GetLogs(run.Id).Select(l => l.Text));
        Assert.Contains("no Docker engine at DOCKER_HOST", logs);
    }
}
