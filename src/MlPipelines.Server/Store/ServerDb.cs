using Microsoft.Data.Sqlite;
using MlPipelines.Core.Errors;
using MlPipelines.Workspace.Postgres;
using MlPipelines.Workspace.Sql;
using MlPipelines.Workspace.Sqlite;
using Npgsql;

namespace MlPipelines.Server.Store;

/// <summary>
/// The server's metadata database on the workspace stores' engine abstraction (<see cref="StoreDb"/>), so the server's
/// SQL is written once (parameters <c>$p0</c>…, times as Unix ms, enums as their names) for both engines:
/// <list type="bullet">
/// <item>SQLite: one connection serialised by a lock, WAL, writes in <c>BEGIN IMMEDIATE</c> transactions; the file is
/// created 0600 in a 0700 folder before SQLite opens it (SQLite gives the -wal and -shm files the file's mode).</item>
/// <item>PostgreSQL: the schema <c>mlp_server</c> over pooled connections; reads run side by side under MVCC, writes
/// that read-then-write take the schema's advisory lock, appends (<see cref="WriteConcurrent{T}"/>) do not.</item>
/// </list>
/// </summary>
internal sealed class ServerDb : IDisposable
{
    /// <summary>The PostgreSQL schema of the server's own tables.</summary>
    public const string PostgresSchema = "mlp_server";

    private readonly StoreDb _db;

    private ServerDb(StoreDb db, ServerStoreAddress address) { _db = db; Address = address; }

    /// <summary>Where this store is.</summary>
    public ServerStoreAddress Address { get; }

    /// <summary>The store's address without secrets.</summary>
    public string Location => Address.Display;

    /// <summary>True on PostgreSQL.</summary>
    public bool IsPostgres => Address is PostgresStoreAddress;

    /// <summary>Opens (creating when needed) the store's database; migrations are the caller's (<see cref="ServerSchema"/>).</summary>
    public static ServerDb Open(ServerStoreAddress address) => address switch
    {
        SqliteStoreAddress s => OpenSqlite(s),
        PostgresStoreAddress p => OpenPostgres(p),
        _ => throw new ArgumentOutOfRangeException(nameof(address), address, "unknown store kind"),
    };

    private static ServerDb OpenSqlite(SqliteStoreAddress address)
    {
        var path = address.Path;
        var dir = System.IO.Path.GetDirectoryName(path)!;
        if (!Directory.Exists(dir))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
            else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        if (!File.Exists(path))
        {
            using (File.Create(path)) { }
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        try { return new ServerDb(new SqliteDb(path), address); }
        catch (SqliteException e) { throw MlpException.Invalid($"Cannot open the server store '{path}': {e.Message}"); }
    }

    private static ServerDb OpenPostgres(PostgresStoreAddress address)
    {
        var cs = new NpgsqlConnectionStringBuilder(address.ConnectionString) { SearchPath = PgNames.Quote(PostgresSchema) }.ConnectionString;
        var db = new PgDb(cs, $"the server store {address.Display}");
        try
        {
            db.EnsureSchema(create: true);
            return new ServerDb(db, address);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>Runs a read.</summary>
    public T Read<T>(Func<DbSession, T> read) => _db.Read(read);

    /// <summary>Runs a write in one transaction, one writer at a time; nested calls join it.</summary>
    public T Write<T>(Func<DbSession, T> write)
    {
        try { return _db.Write(write); }
        finally { Interlocked.Increment(ref _generation); }
    }

    /// <summary>
    /// Bumped by every <see cref="Write{T}"/> (identities, tokens, roles, assignments, workspaces — not the audit, request
    /// log or last-used writes): cached sign-ins and access decisions older than the current generation are not used.
    /// </summary>
    public long Generation => Interlocked.Read(ref _generation);

    private long _generation;

    /// <summary>Runs a write with no result.</summary>
    public void Write(Action<DbSession> write) => Write(s => { write(s); return 0; });

    /// <summary>Runs an append or stamp that needs no turn with other writers (see <see cref="StoreDb.WriteConcurrent{T}"/>).</summary>
    public T WriteConcurrent<T>(Func<DbSession, T> write) => _db.WriteConcurrent(write);

    /// <summary>Runs an append or stamp with no result.</summary>
    public void WriteConcurrent(Action<DbSession> write) => _db.WriteConcurrent(s => { write(s); return 0; });

    /// <inheritdoc />
    public void Dispose() => _db.Dispose();
}
