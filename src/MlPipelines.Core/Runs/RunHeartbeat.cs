namespace MlPipelines.Core.Runs;

/// <summary>
/// How often a live run proves it is alive, and when a silent one reads as <c>Failed (lost)</c>. Every writer of
/// heartbeats (run submit, pipeline steps, the C# client) and every reader of statuses use these, so a run whose
/// process died is shown lost within <see cref="LostAfter"/> of its last heartbeat.
/// </summary>
public static class RunHeartbeat
{
    /// <summary>Interval between heartbeats of a running run.</summary>
    public static TimeSpan Interval { get; } = TimeSpan.FromSeconds(3);

    /// <summary>A Running run whose last heartbeat is older than this reads as Failed with reason 'lost' (four missed beats).</summary>
    public static TimeSpan LostAfter { get; } = TimeSpan.FromSeconds(12);

    /// <summary>
    /// The kind of runs whose clients send no heartbeat (runs created through the MLflow API): such a run is never
    /// read as lost; it stays Running until its client ends it, as in MLflow.
    /// </summary>
    public const string UnwatchedKind = "mlflow";
}
