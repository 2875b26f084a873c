using MlPipelines.Core.Runs;

namespace MlPipelines.Mlflow.Protocol;

/// <summary>MLflow's run statuses (RUNNING, SCHEDULED, FINISHED, FAILED, KILLED) and the workspace's.</summary>
public static class MlflowStatus
{
    /// <summary>The MLflow name of a run status; a skipped step reads as KILLED (it did not run to the end).</summary>
    public static string Of(RunStatus status) => status switch
    {
        RunStatus.Queued => "SCHEDULED",
        RunStatus.Running => "RUNNING",
        RunStatus.Completed => "FINISHED",
        RunStatus.Failed => "FAILED",
        _ => "KILLED",
    };

    /// <summary>The workspace status of an MLflow status name, or null when it is not one.</summary>
    public static RunStatus? Parse(string? name) => name?.ToUpperInvariant() switch
    {
        "SCHEDULED" => RunStatus.Queued,
        "RUNNING" => RunStatus.Running,
        "FINISHED" => RunStatus.Completed,
        "FAILED" => RunStatus.Failed,
        "KILLED" => RunStatus.Canceled,
        _ => null,
    };

    /// <summary>The workspace status of a required MLflow status name.</summary>
    public static RunStatus Required(string name) => Parse(name)
        ?? throw MlflowException.Invalid($"Invalid run status '{name}'; expected one of RUNNING, SCHEDULED, FINISHED, FAILED, KILLED.");
}
