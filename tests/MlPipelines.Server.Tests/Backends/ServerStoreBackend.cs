using MlPipelines.Server.Store;

namespace MlPipelines.Server.Tests.Backends;

/// <summary>One fresh server store on one engine; <see cref="Open"/> opens another instance of the same store.</summary>
public abstract class ServerStoreBackend : IDisposable
{
    /// <summary>Where the store is.</summary>
    public abstract ServerStoreAddress Address { get; }

    /// <summary>A new instance of this test's store.</summary>
    public ServerStore Open(TimeProvider? clock = null) => ServerStore.Open(Address, clock);

    public abstract void Dispose();
}

/// <summary>A SQLite store file in a temp folder.</summary>
public sealed class SqliteStoreBackend : ServerStoreBackend
{
    private readonly TempDir _dir = new();

    public override ServerStoreAddress Address => new SqliteStoreAddress(_dir.Combine("server.db"));

    public override void Dispose() => _dir.Dispose();
}

/// <summary>A PostgreSQL store in a fresh database.</summary>
public sealed class PostgresStoreBackend : ServerStoreBackend
{
    public PostgresDatabase Database { get; } = new();

    public override ServerStoreAddress Address => new PostgresStoreAddress(Database.ConnectionString);

    public override void Dispose() => Database.Dispose();
}
