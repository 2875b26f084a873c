namespace MlPipelines.Mlflow;

/// <summary>
/// The server actions MLflow calls need, by the server's catalogue names (the host refuses names it does not know
/// at start-up, so these cannot drift silently). Reading is split like the native API: a Reader can search, a
/// Metrics Writer can log metrics only.
/// </summary>
public static class MlflowActions
{
    /// <summary>Read a workspace (used by the answer for MLflow paths that are not implemented).</summary>
    public const string WorkspaceRead = "workspaces/read";
    /// <summary>Read experiments and runs.</summary>
    public const string RunsRead = "workspaces/experiments/runs/read";
    /// <summary>Create experiments and runs; change status, params and tags.</summary>
    public const string RunsWrite = "workspaces/experiments/runs/write";
    /// <summary>Read metric history.</summary>
    public const string MetricsRead = "workspaces/metrics/read";
    /// <summary>Log metric points to an existing run.</summary>
    public const string MetricsWrite = "workspaces/metrics/write";

    /// <summary>Read blobs (downloading an artifact needs it besides runs/read).</summary>
    public const string ArtifactsRead = "workspaces/artifacts/read";
    /// <summary>Store blobs (uploading an artifact needs it besides runs/write).</summary>
    public const string ArtifactsWrite = "workspaces/artifacts/write";

    /// <summary>Read registered models, versions and aliases.</summary>
    public const string ModelsRead = "workspaces/models/versions/read";
    /// <summary>Create and change models and versions, move aliases.</summary>
    public const string ModelsWrite = "workspaces/models/versions/write";
    /// <summary>Delete models and versions.</summary>
    public const string ModelsDelete = "workspaces/models/versions/delete";

    /// <summary>Every action used here.</summary>
    public static IReadOnlyList<string> All { get; } = [WorkspaceRead, RunsRead, RunsWrite, MetricsRead, MetricsWrite, ModelsRead, ModelsWrite, ModelsDelete, ArtifactsRead, ArtifactsWrite];
}
