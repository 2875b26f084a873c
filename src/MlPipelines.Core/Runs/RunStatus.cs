namespace MlPipelines.Core.Runs;

/// <summary>Lifecycle of a run. <see cref="Skipped"/> is used for pipeline steps that did not execute.</summary>
public enum RunStatus
{
    /// <summary>Created, not started.</summary>
    Queued,
    /// <summary>Executing; kept alive by a heartbeat.</summary>
    Running,
    /// <summary>Finished successfully (or reused from cache).</summary>
    Completed,
    /// <summary>Finished with an error, or lost (no heartbeat).</summary>
    Failed,
    /// <summary>Canceled by the user or a signal.</summary>
    Canceled,
    /// <summary>A pipeline step that did not run (condition false, gate failed, upstream failed).</summary>
    Skipped,
}

/// <summary>Helpers on <see cref="RunStatus"/>.</summary>
public static class RunStatusExtensions
{
    /// <summary>True for statuses that never change again.</summary>
    public static bool IsTerminal(this RunStatus s) => s is RunStatus.Completed or RunStatus.Failed or RunStatus.Canceled or RunStatus.Skipped;
}
