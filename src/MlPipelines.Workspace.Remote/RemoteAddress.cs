using MlPipelines.Core.Errors;

namespace MlPipelines.Workspace.Remote;

/// <summary>A workspace on a server: <c>https://HOST:PORT/workspaces/NAME</c>.</summary>
/// <param name="ServerUrl">The server's origin, e.g. <c>https://mlp.example.com:8443</c>.</param>
/// <param name="Workspace">The workspace name on that server.</param>
public sealed record RemoteAddress(string ServerUrl, string Workspace)
{
    /// <summary>True when <paramref name="location"/> looks like a server URL rather than a folder.</summary>
    public static bool IsRemote(string? location) =>
        location is not null && (location.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("http://", StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses <c>https://HOST:PORT/workspaces/NAME</c> (a trailing slash is fine).</summary>
    public static RemoteAddress Parse(string location)
    {
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            throw MlpException.Invalid($"'{location}' is not a workspace URL; expected https://HOST:PORT/workspaces/NAME.");
        var segments = uri.AbsolutePath.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length != 2 || !string.Equals(segments[0], "workspaces", StringComparison.OrdinalIgnoreCase) || uri.Query.Length > 0)
            throw MlpException.Invalid($"'{location}' does not name a workspace; expected https://HOST:PORT/workspaces/NAME (see 'mlp workspace list --server {uri.GetLeftPart(UriPartial.Authority)}').");
        return new RemoteAddress(uri.GetLeftPart(UriPartial.Authority), Uri.UnescapeDataString(segments[1]));
    }

    /// <summary>The URL form.</summary>
    public override string ToString() => $"{ServerUrl}/workspaces/{Workspace}";
}
