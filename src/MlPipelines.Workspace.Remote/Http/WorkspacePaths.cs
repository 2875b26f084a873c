namespace MlPipelines.Workspace.Remote.Http;

/// <summary>Builds the API paths of one workspace, escaping every name that goes into a path segment.</summary>
public sealed class WorkspacePaths(string workspace)
{
    private readonly string _root = $"/api/v1/workspaces/{Uri.EscapeDataString(workspace)}/";

    /// <summary>The workspace name.</summary>
    public string Workspace { get; } = workspace;

    /// <summary><c>/api/v1/workspaces/NAME/</c> + <paramref name="rest"/> (already escaped).</summary>
    public string Of(string rest) => _root + rest;

    /// <summary>A run's path, optionally with a sub-resource.</summary>
    public string Run(string runId, string? sub = null) => Of("runs/" + Uri.EscapeDataString(runId) + (sub is null ? "" : "/" + sub));

    /// <summary>Segments escaped one by one and joined with '/'.</summary>
    public string Segments(params string[] segments) => _root + string.Join('/', segments.Select(Uri.EscapeDataString));

    /// <summary>A query string of the non-null pairs ("" when none).</summary>
    public static string Query(params (string Key, string? Value)[] pairs)
    {
        var parts = pairs.Where(p => p.Value is not null).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}").ToList();
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
