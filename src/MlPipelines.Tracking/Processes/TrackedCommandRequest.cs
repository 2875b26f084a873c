using MlPipelines.Compute;

namespace MlPipelines.Tracking.Processes;

/// <summary>A command to execute as an existing run: the run's logs, metrics and outputs are recorded from it.</summary>
public sealed record TrackedCommandRequest
{
    /// <summary>The run to record into (already created; it is set Running here).</summary>
    public required string RunId { get; init; }
    /// <summary>The command to execute.</summary>
    public required ComputeJob Job { get; init; }
    /// <summary>A fresh folder exposed as <c>MLP_OUTPUT_DIR</c>; its files become the run's outputs.</summary>
    public required string OutputDirectory { get; init; }
    /// <summary>How often the run's heartbeat is refreshed while the command runs.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = MlPipelines.Core.Runs.RunHeartbeat.Interval;
    /// <summary>Set the run's final status from the exit code (false when a caller such as the runner decides, e.g. for retries).</summary>
    public bool SetFinalStatus { get; init; } = true;
}

/// <summary>How a tracked command ended.</summary>
/// <param name="Compute">Exit code, duration, timeout/cancel flags.</param>
/// <param name="Warnings">Malformed <c>##mlp</c> lines and other recoverable problems, in order.</param>
public sealed record TrackedCommandResult(ComputeResult Compute, IReadOnlyList<string> Warnings)
{
    /// <summary>Why the outputs could not be collected (then none were recorded), or null.</summary>
    public string? OutputFailure { get; init; }
}
