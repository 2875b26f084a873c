namespace MlPipelines.Workspace;

/// <summary>Tunables of a local workspace; the defaults suit normal use, tests shorten the timeouts.</summary>
public sealed record LocalWorkspaceOptions
{
    /// <summary>A Running run whose heartbeat is older than this reads as Failed with reason 'lost'.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = MlPipelines.Core.Runs.RunHeartbeat.LostAfter;

    /// <summary>Who is acting (recorded in alias and traffic history when callers pass no name); defaults to the OS user.</summary>
    public string User { get; init; } = Environment.UserName;
}
