using MlPipelines.Core.Runs;
using MlPipelines.Pipelines;
using MlPipelines.Pipelines.Compiler;
using MlPipelines.Pipelines.Parameters;
using MlPipelines.Workspace;

namespace MlPipelines.Runner.Tests;

/// <summary>A temp folder with a fresh local workspace.</summary>
public sealed class RunnerFixture : IDisposable
{
    public RunnerFixture()
    {
        Dir = Directory.CreateTempSubdirectory("mlp-runner-").FullName;
        Workspace = LocalWorkspace.Init(Dir);
    }

    public string Dir { get; }
    public LocalWorkspace Workspace { get; }

    public string File(string name, string? content = null)
    {
        var p = Path.Combine(Dir, name);
        if (content is not null) System.IO.File.WriteAllText(p, content);
        return p;
    }

    public Task<PipelineRunResult> RunAsync(Pipeline pipeline, Func<PipelineRunOptions, PipelineRunOptions>? configure = null,
        CancellationToken ct = default, params string[] parameters)
    {
        var compiled = PipelineCompiler.Compile(pipeline, new CompileOptions { Parameters = new ParameterInput { Assignments = parameters } });
        var options = new PipelineRunOptions
        {
            Workspace = Workspace,
            BaseDirectory = Dir,
            SourceHash = "src-1",
            KillGracePeriod = TimeSpan.FromMilliseconds(300),
            LogFlushInterval = TimeSpan.FromMilliseconds(100),
        };
        return PipelineRunner.RunAsync(compiled, configure?.Invoke(options) ?? options, ct);
    }

    public IReadOnlyList<RunInfo> Children(string parentRunId) =>
        Workspace.Runs.QueryRuns(new RunQuery { ParentRunId = parentRunId, Max = 1000 });

    public void Dispose()
    {
        Workspace.Dispose();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
