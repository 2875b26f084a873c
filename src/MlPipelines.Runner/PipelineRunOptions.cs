using MlPipelines.Compute;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;
using MlPipelines.Pipelines;
using MlPipelines.Runner.Execution;
using MlPipelines.Runner.Progress;

namespace MlPipelines.Runner;

/// <summary>How to run a plan.</summary>
public sealed record PipelineRunOptions
{
    /// <summary>Where runs, outputs and the cache live.</summary>
    public required IWorkspace Workspace { get; init; }
    /// <summary>Experiment of the pipeline run; the pipeline name when null.</summary>
    public string? Experiment { get; init; }
    /// <summary>Maximum steps running at once (default: processor count).</summary>
    public int MaxParallel { get; init; } = Environment.ProcessorCount;
    /// <summary>Ignore cached results (every step runs).</summary>
    public bool Force { get; init; }
    /// <summary>A failed evaluation gate (outcome <c>passed</c> false) fails the pipeline, also when the evaluation is reused from the cache.</summary>
    public bool FailOnGate { get; init; }
    /// <summary>A previous pipeline run whose completed steps are reused; only the rest runs.</summary>
    public string? ResumeRunId { get; init; }
    /// <summary>Working directory of commands; relative data paths are resolved against it.</summary>
    public string BaseDirectory { get; init; } = Environment.CurrentDirectory;
    /// <summary>Hash of the source snapshot (the "code" part of cache keys); null when the host does not track source.</summary>
    public string? SourceHash { get; init; }
    /// <summary>Extra tags of the pipeline run (e.g. where its plan came from: <c>mlp.plan</c>).</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    /// <summary>Delegates of code steps by name (from <c>CompiledPipeline.CodeSteps</c>).</summary>
    public IReadOnlyDictionary<string, Func<CodeContext, Task>> CodeSteps { get; init; } = new Dictionary<string, Func<CodeContext, Task>>();
    /// <summary>Compute targets for command steps.</summary>
    public ComputeTargetRegistry ComputeTargets { get; init; } = ComputeTargetRegistry.CreateDefault();
    /// <summary>How environments become versions (cache keys) and images (for container targets); by default as the plan declares them.</summary>
    public IStepEnvironments Environments { get; init; } = StepEnvironments.Declared;
    /// <summary>Executors for further kinds (evaluate, register, promote, image, deploy); command/train/code are built in.</summary>
    public IReadOnlyList<IStepExecutor> Executors { get; init; } = [];
    /// <summary>Progress display.</summary>
    public IRunProgress Progress { get; init; } = NullProgress.Instance;
    /// <summary>How often running runs get a heartbeat.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = MlPipelines.Core.Runs.RunHeartbeat.Interval;
    /// <summary>How often buffered step logs are written to the workspace.</summary>
    public TimeSpan LogFlushInterval { get; init; } = TimeSpan.FromMilliseconds(500);
    /// <summary>Grace period between SIGTERM and SIGKILL for killed process trees.</summary>
    public TimeSpan KillGracePeriod { get; init; } = TimeSpan.FromSeconds(2);

    internal StepExecutorRegistry BuildRegistry()
    {
        var r = new StepExecutorRegistry().Add(new CommandExecutor(ComputeTargets, Environments)).Add(new SweepExecutor(ComputeTargets, Environments)).Add(new CodeExecutor(CodeSteps));
        foreach (var e in Executors) r.Add(e);
        return r;
    }
}

/// <summary>How a pipeline run ended.</summary>
/// <param name="RunId">The pipeline (parent) run.</param>
/// <param name="Status">Completed, Failed or Canceled.</param>
/// <param name="Steps">Every step, in plan order.</param>
/// <param name="Duration">Wall-clock time.</param>
public sealed record PipelineRunResult(string RunId, RunStatus Status, IReadOnlyList<StepRunResult> Steps, TimeSpan Duration)
{
    /// <summary>The documented exit code: 0 completed, 1 a step failed, 130 canceled.</summary>
    public int ExitCode => Status switch
    {
        RunStatus.Completed => ExitCodes.Success,
        RunStatus.Canceled => ExitCodes.Canceled,
        _ => ExitCodes.Failed,
    };

    /// <summary>The result of a step by name.</summary>
    public StepRunResult this[string step] => Steps.First(s => s.Name == step);
}

/// <summary>How a step ended.</summary>
/// <param name="Name">Step name.</param>
/// <param name="RunId">Its child run (null when it never started because the pipeline was canceled).</param>
/// <param name="Status">Final status.</param>
/// <param name="Reason">Why (exit code, skip reason…).</param>
/// <param name="ReusedFrom">Run whose results were reused.</param>
/// <param name="Duration">Time spent.</param>
/// <param name="Attempts">Attempts made (0 when reused or skipped).</param>
public sealed record StepRunResult(string Name, string? RunId, RunStatus Status, string? Reason, string? ReusedFrom, TimeSpan Duration, int Attempts);
