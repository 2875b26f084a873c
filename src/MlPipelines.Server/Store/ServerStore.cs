namespace MlPipelines.Server.Store;

/// <summary>
/// The server's own metadata: identities and tokens, role definitions and assignments, the workspace catalogue and the
/// audit log, in one SQLite file (workspace content lives in each workspace's own store).
/// </summary>
public sealed class ServerStore : IDisposable
{
    private readonly ServerDb _db;

    /// <summary>Opens (creating 0600 and migrating when needed) the store at <paramref name="path"/>.</summary>
    public ServerStore(string path, TimeProvider? time = null)
    {
        _db = new ServerDb(path);
        try { ServerSchema.Migrate(_db); }
        catch { _db.Dispose(); throw; }
        var clock = time ?? TimeProvider.System;
        Identities = new IdentityStore(_db, clock);
        Access = new AccessStore(_db, clock);
        Workspaces = new WorkspaceCatalog(_db, clock);
        Audit = new AuditLog(_db, clock);
    }

    /// <summary>The database file.</summary>
    public string Path => _db.Path;
    /// <summary>Users, service principals and their API tokens.</summary>
    public IdentityStore Identities { get; }
    /// <summary>Custom role definitions and role assignments.</summary>
    public AccessStore Access { get; }
    /// <summary>Workspaces hosted by this server.</summary>
    public WorkspaceCatalog Workspaces { get; }
    /// <summary>Who did what, when, with which outcome.</summary>
    public AuditLog Audit { get; }

    /// <inheritdoc />
    public void Dispose() => _db.Dispose();
}
