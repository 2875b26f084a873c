using MlPipelines.Core.Workspaces;

namespace MlPipelines.Workspace.Remote;

/// <summary>
/// Opens the workspace a command names: a server URL (<c>https://HOST:PORT/workspaces/NAME</c>) gives a
/// <see cref="RemoteWorkspace"/>, anything else the embedded workspace found by <see cref="WorkspaceLocator"/>.
/// The one place that decides, so every command, pipeline program and tracking client accepts both.
/// </summary>
public static class WorkspaceConnector
{
    /// <summary>The location from <paramref name="explicitLocation"/>, else <c>MLP_WORKSPACE</c>, else null.</summary>
    public static string? Named(string? explicitLocation) =>
        !string.IsNullOrWhiteSpace(explicitLocation) ? explicitLocation
        : Environment.GetEnvironmentVariable(WorkspaceLocator.EnvironmentVariable) is { Length: > 0 } env && !string.IsNullOrWhiteSpace(env) ? env
        : null;

    /// <summary>True when the named location is a server URL.</summary>
    public static bool IsRemote(string? explicitLocation) => RemoteAddress.IsRemote(Named(explicitLocation));

    /// <summary>
    /// Opens the named workspace (option or <c>MLP_WORKSPACE</c>), or the nearest <c>.mlp/</c> from
    /// <paramref name="start"/> (default: the current folder) upwards.
    /// </summary>
    public static IWorkspace Open(string? explicitLocation, string? start = null, LocalWorkspaceOptions? options = null)
    {
        if (Named(explicitLocation) is { } named && RemoteAddress.IsRemote(named)) return RemoteWorkspace.Open(named);
        var env = new Dictionary<string, string?> { [WorkspaceLocator.EnvironmentVariable] = Environment.GetEnvironmentVariable(WorkspaceLocator.EnvironmentVariable) };
        return LocalWorkspace.Open(WorkspaceLocator.Resolve(explicitLocation, start ?? Directory.GetCurrentDirectory(), env), options);
    }
}
