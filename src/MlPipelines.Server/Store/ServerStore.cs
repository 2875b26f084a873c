namespace MlPipelines.Server.Store;

/// <summary>
/// The server's own metadata: identities and tokens, role definitions and assignments, the workspace catalogue, the
/// audit log and the idempotency log — in one SQLite file, or in the schema <c>mlp_server</c> of a PostgreSQL database
/// (workspace content lives in each workspace's own store).
/// </summary>
public sealed class ServerStore : IDisposable
{
    private readonly ServerDb _db;

    /// <summary>Opens (creating 0600 and migrating when needed) the SQLite store at <paramref name="path"/>.</summary>
    public ServerStore(string path, TimeProvider? time = null) : this(new SqliteStoreAddress(System.IO.Path.GetFullPath(path)), time) { }

    private ServerStore(ServerStoreAddress address, TimeProvider? time)
    {
        _db = ServerDb.Open(address);
        try { ServerSchema.Migrate(_db); }
        catch { _db.Dispose(); throw; }
        var clock = time ?? TimeProvider.System;
        var cache = new AccessCache(_db, clock);
        Identities = new IdentityStore(_db, clock, cache);
        Access = new AccessStore(_db, clock, cache);
        Workspaces = new WorkspaceCatalog(_db, clock);
        Audit = new AuditLog(_db, clock);
        Requests = new RequestLog(_db, clock);
    }

    /// <summary>Opens (creating and migrating when needed) the store at <paramref name="address"/>, SQLite or PostgreSQL.</summary>
    public static ServerStore Open(ServerStoreAddress address, TimeProvider? time = null) => new(address, time);

    /// <summary>Where the store is.</summary>
    public ServerStoreAddress Address => _db.Address;
    /// <summary>The store's location without secrets: the SQLite file, or <c>postgresql://user@host:port/database</c>.</summary>
    public string Location => _db.Location;
    /// <summary>The database file; for a PostgreSQL store the same as <see cref="Location"/>.</summary>
    public string Path => _db.Location;
    /// <summary>Users, service principals and their API tokens.</summary>
    public IdentityStore Identities { get; }
    /// <summary>Custom role definitions and role assignments.</summary>
    public AccessStore Access { get; }
    /// <summary>Workspaces hosted by this server.</summary>
    public WorkspaceCatalog Workspaces { get; }
    /// <summary>Who did what, when, with which outcome.</summary>
    public AuditLog Audit { get; }
    /// <summary>Responses kept for idempotent requests (keyed by token and request id).</summary>
    public RequestLog Requests { get; }

    /// <summary>The database, for the workspace homes that share it (PostgreSQL).</summary>
    internal ServerDb Db => _db;

    /// <inheritdoc />
    public void Dispose() => _db.Dispose();
}
