using MlPipelines.Server.Authorization;

namespace MlPipelines.Server.Identity;

/// <summary>
/// The one run a run-scoped token may act on, and what it may do there: read the workspace's runs, datasets and
/// models, upload blobs, and write only that run (status, heartbeat, params, tags, metrics, logs, outputs). Its
/// holder's roles still apply on top; a run-scoped token can never do more than its holder.
/// </summary>
public sealed record RunScope(string Workspace, string RunId)
{
    /// <summary>The actions a run-scoped token may use at all.</summary>
    public static IReadOnlySet<string> Actions { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ActionCatalog.WorkspaceRead, ActionCatalog.RunsRead, ActionCatalog.RunsWrite, ActionCatalog.MetricsRead, ActionCatalog.MetricsWrite,
        ActionCatalog.ArtifactsRead, ActionCatalog.ArtifactsWrite, ActionCatalog.DatasetsRead, ActionCatalog.ModelsRead,
    };

    /// <summary>Why the request is outside this scope, or null when it is inside.</summary>
    /// <param name="action">The endpoint's action.</param>
    /// <param name="workspace">The request's <c>{workspace}</c> route value (null for server-wide operations).</param>
    /// <param name="runId">The request's <c>{runId}</c> route value, if any.</param>
    /// <param name="runInBody">The operation names its run in the body and checks it itself (MLflow calls).</param>
    public string? Refusal(string action, string? workspace, string? runId, bool runInBody = false)
    {
        if (!Actions.Contains(action)) return $"the token is scoped to run '{RunId}' and cannot use action '{action}'";
        if (workspace is null || !string.Equals(workspace, Workspace, StringComparison.OrdinalIgnoreCase))
            return $"the token is scoped to run '{RunId}' of workspace '{Workspace}'";
        var writes = action is ActionCatalog.RunsWrite or ActionCatalog.MetricsWrite;
        if (runId is not null ? runId != RunId : writes && !runInBody)
            return $"the token is scoped to run '{RunId}' and may write only that run";
        return null;
    }

    /// <summary>The stored form, <c>/workspaces/W/runs/R</c>.</summary>
    public override string ToString() => $"{Scopes.Workspace(Workspace)}/runs/{RunId}";

    /// <summary>Reads the stored form.</summary>
    public static RunScope Parse(string text)
    {
        var parts = text.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts is ["workspaces", var w, "runs", var r] ? new RunScope(w, r) : throw new FormatException($"Not a run scope: '{text}'.");
    }
}
