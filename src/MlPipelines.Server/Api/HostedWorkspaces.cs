using System.Collections.Concurrent;
using MlPipelines.Core.Workspaces;
using MlPipelines.Server.Store;

namespace MlPipelines.Server.Api;

/// <summary>
/// Creates, opens (once, shared by all requests) and retires the workspaces of a server. Each workspace has a folder
/// under the artifacts folder; its records are an embedded workspace there (SQLite store) or a schema of the store's
/// PostgreSQL database (see <see cref="PostgresWorkspaceHome"/>).
/// </summary>
public sealed class HostedWorkspaces(ServerStore store, string artifactsDirectory) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<IWorkspace>> _open = new(StringComparer.OrdinalIgnoreCase);
    private readonly WorkspaceHome _home = WorkspaceHome.For(store);

    /// <summary>Creates the workspace folder and its store, then records it in the catalogue.</summary>
    public HostedWorkspace Create(string name, string createdBy)
    {
        Authorization.WorkspaceNames.Validate(name);
        var location = Path.Combine(artifactsDirectory, name);
        if (store.Workspaces.List().Any(w => string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase)))
            throw Core.Errors.MlpException.Conflict($"A workspace named '{name}' already exists.");
        if (Directory.Exists(location) && Directory.EnumerateFileSystemEntries(location).Any())
            throw Core.Errors.MlpException.Conflict($"The folder '{location}' for workspace '{name}' already exists and is not empty; move it away first.");
        _home.CheckFree(name);
        CreatePrivate(artifactsDirectory);
        CreatePrivate(location);
        _home.Create(name, location).Dispose();
        Forget(name); // an instance opened under this name before a delete must not be reused
        return store.Workspaces.Add(name, location, createdBy);
    }

    /// <summary>The open workspace of that name (NotFound lists the workspaces).</summary>
    public IWorkspace Open(string name)
    {
        var hosted = store.Workspaces.Get(name);
        var lazy = _open.GetOrAdd(hosted.Name, _ => new Lazy<IWorkspace>(() => _home.Open(hosted)));
        try { return lazy.Value; }
        catch
        {
            _open.TryRemove(new KeyValuePair<string, Lazy<IWorkspace>>(hosted.Name, lazy)); // do not cache a failed open
            throw;
        }
    }

    /// <summary>
    /// Removes the workspace from the catalogue (with its role assignments), renames its PostgreSQL schema to
    /// <c>deleted_NAME_TIMESTAMP</c> (PostgreSQL store) and moves its folder to <c>.deleted/NAME-TIMESTAMP</c> under
    /// the artifacts folder, so a mistaken delete can be undone by hand.
    /// </summary>
    public HostedWorkspace Delete(string name)
    {
        var hosted = store.Workspaces.Remove(name, store.Access);
        Forget(hosted.Name);
        var at = DateTimeOffset.UtcNow;
        _home.Retire(hosted, at);
        if (Directory.Exists(hosted.Location))
        {
            var trash = Path.Combine(artifactsDirectory, ".deleted");
            CreatePrivate(trash);
            Directory.Move(hosted.Location, Path.Combine(trash, $"{hosted.Name}-{at:yyyyMMddTHHmmssfff}"));
        }
        return hosted;
    }

    private void Forget(string name)
    {
        if (_open.TryRemove(name, out var ws) && ws.IsValueCreated) ws.Value.Dispose();
    }

    private static void CreatePrivate(string dir)
    {
        if (Directory.Exists(dir)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
        else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var ws in _open.Values) if (ws.IsValueCreated) ws.Value.Dispose();
        _open.Clear();
    }
}
