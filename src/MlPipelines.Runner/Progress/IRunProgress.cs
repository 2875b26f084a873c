using MlPipelines.Core.Runs;

namespace MlPipelines.Runner.Progress;

/// <summary>Receives what a pipeline run does, for display. Called from several threads; implementations synchronise.</summary>
public interface IRunProgress
{
    /// <summary>The pipeline run was created.</summary>
    void PipelineStarted(string pipeline, string runId, IReadOnlyList<string> steps);
    /// <summary>A step changed state.</summary>
    void StepChanged(StepProgress step);
    /// <summary>A log line of a step.</summary>
    void Output(string step, LogStream stream, string text);
    /// <summary>The pipeline run ended.</summary>
    void PipelineFinished(PipelineRunResult result);
}

/// <summary>State of a step for display.</summary>
/// <param name="Name">Step name.</param>
/// <param name="Status">Queued, Running, Completed, Failed, Canceled or Skipped.</param>
/// <param name="Duration">Elapsed time, when started.</param>
/// <param name="ReusedFrom">Run whose results were reused, if any.</param>
/// <param name="Reason">Why it ended this way, if not plainly completed.</param>
public sealed record StepProgress(string Name, RunStatus Status, TimeSpan? Duration, string? ReusedFrom, string? Reason);

/// <summary>Displays nothing.</summary>
public sealed class NullProgress : IRunProgress
{
    /// <summary>The shared instance.</summary>
    public static NullProgress Instance { get; } = new();
    /// <inheritdoc />
    public void PipelineStarted(string pipeline, string runId, IReadOnlyList<string> steps) { }
    /// <inheritdoc />
    public void StepChanged(StepProgress step) { }
    /// <inheritdoc />
    public void Output(string step, LogStream stream, string text) { }
    /// <inheritdoc />
    public void PipelineFinished(PipelineRunResult result) { }
}
