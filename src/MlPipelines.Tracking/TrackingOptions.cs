namespace MlPipelines.Tracking;

/// <summary>Batching and heartbeat settings of <see cref="MlpRun"/>.</summary>
public sealed record TrackingOptions
{
    /// <summary>Points buffered before a flush is forced.</summary>
    public int BatchSize { get; init; } = 5000;
    /// <summary>Pending points are flushed at least this often.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(250);
    /// <summary>How often a run started by this client refreshes its heartbeat.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = MlPipelines.Core.Runs.RunHeartbeat.Interval;
}
