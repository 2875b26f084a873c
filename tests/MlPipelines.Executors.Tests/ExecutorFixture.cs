using MlPipelines.Core.Runs;
using MlPipelines.Pipelines;
using MlPipelines.Pipelines.Compiler;
using MlPipelines.Runner;
using MlPipelines.Workspace;

namespace MlPipelines.Executors.Tests;

/// <summary>A temp folder with a fresh local workspace and a runner wired with the registry executors.</summary>
public sealed class ExecutorFixture : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("mlp-executors-").FullName;
    public LocalWorkspace Workspace { get; }

    public ExecutorFixture() => Workspace = LocalWorkspace.Init(Dir);

    /// <summary>Writes a predictions CSV (classes a/b) with <paramref name="correct"/> of 10 rows right.</summary>
    public string Predictions(string name, int correct)
    {
        var rows = Enumerable.Range(0, 10).Select(i =>
        {
            var label = i % 2 == 0 ? "a" : "b";
            var prediction = i < correct ? label : (label == "a" ? "b" : "a");
            var pa = prediction == "a" ? 0.8 : 0.2;
            return FormattableString.Invariant($"{label},{prediction},{pa},{1 - pa}");
        });
        var path = Path.Combine(Dir, name);
        File.WriteAllText(path, "label,prediction,score_a,score_b\n" + string.Join("\n", rows) + "\n");
        return path;
    }

    public Task<PipelineRunResult> RunAsync(Pipeline pipeline, bool failOnGate = false) =>
        PipelineRunner.RunAsync(PipelineCompiler.Compile(pipeline), new PipelineRunOptions
        {
            Workspace = Workspace,
            BaseDirectory = Dir,
            SourceHash = "src-1",
            FailOnGate = failOnGate,
            Executors = RegistryExecutors.Create(failOnGate: failOnGate),
            KillGracePeriod = TimeSpan.FromMilliseconds(300),
            LogFlushInterval = TimeSpan.FromMilliseconds(100),
        });

    public RunInfo Run(PipelineRunResult result, string step) => Workspace.Runs.GetRun(result[step].RunId!);

    public void Dispose()
    {
        Workspace.Dispose();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
