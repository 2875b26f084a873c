using System.Data.Common;
using Microsoft.Data.Sqlite;
using MlPipelines.Core.Errors;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Sqlite;

/// <summary>
/// One SQLite connection per workspace instance, serialised by a lock, with cached prepared commands.
/// Writes run in <c>BEGIN IMMEDIATE</c> transactions and are retried on SQLITE_BUSY/LOCKED so several processes
/// writing at once lose nothing. The database runs in WAL mode with <c>synchronous=NORMAL</c>: a committed
/// transaction survives a kill of the process (the WAL is in the OS page cache), though not a power loss.
/// </summary>
internal sealed class SqliteDb : StoreDb, ISqlScope
{
    private const int BusyTimeoutMs = 30_000;
    private static readonly TimeSpan RetryBudget = TimeSpan.FromSeconds(90);

    private readonly object _gate = new();
    private readonly SqliteConnection _conn;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private SqliteTransaction? _tx;

    public SqliteDb(string path)
    {
        Path = path;
        var cs = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            Pooling = false,
            DefaultTimeout = BusyTimeoutMs / 1000,
        }.ToString();
        _conn = new SqliteConnection(cs);
        _conn.Open();
        Retry(() =>
        {
            Pragma($"PRAGMA busy_timeout={BusyTimeoutMs};");
            Pragma("PRAGMA journal_mode=WAL;");
            Pragma("PRAGMA synchronous=NORMAL;");
            Pragma("PRAGMA foreign_keys=ON;");
            Pragma("PRAGMA cache_size=-32768;"); // 32 MiB page cache per connection
            Pragma("PRAGMA mmap_size=268435456;"); // read through a 256 MiB memory map instead of read() calls
            return 0;
        });
    }

    public string Path { get; }

    /// <inheritdoc />
    public override SqlDialect Dialect => SqliteDialect.Instance;

    private void Pragma(string sql)
    {
        using var c = _conn.CreateCommand();
        c.CommandText = sql;
        c.ExecuteNonQuery();
    }

    /// <summary>Runs a read. Reads in WAL mode never block on writers.</summary>
    public override T Read<T>(Func<DbSession, T> read)
    {
        lock (_gate) return read(new DbSession(this));
    }

    /// <summary>Runs <paramref name="write"/> in one immediate transaction; retried as a whole when the database is busy.</summary>
    public override T Write<T>(Func<DbSession, T> write)
    {
        lock (_gate)
        {
            if (_tx is not null) return write(new DbSession(this)); // nested: join the outer transaction
            return Retry(() =>
            {
                using var tx = _conn.BeginTransaction(deferred: false);
                _tx = tx;
                try
                {
                    var result = write(new DbSession(this));
                    tx.Commit();
                    return result;
                }
                finally { _tx = null; }
            });
        }
    }

    internal static bool IsBusy(SqliteException e) => e.SqliteErrorCode is 5 or 6; // SQLITE_BUSY, SQLITE_LOCKED

    private static T Retry<T>(Func<T> action)
    {
        var started = DateTime.UtcNow;
        var delay = 5;
        while (true)
        {
            try { return action(); }
            catch (SqliteException e) when (IsBusy(e) && DateTime.UtcNow - started < RetryBudget)
            {
                Thread.Sleep(Random.Shared.Next(delay, delay * 2));
                delay = Math.Min(delay * 2, 200);
            }
            catch (SqliteException e) when (IsBusy(e))
            {
                throw MlpException.Unavailable($"The workspace database is locked by another process for more than {RetryBudget.TotalSeconds:0} s: {e.Message}", e);
            }
        }
    }

    DbCommand ISqlScope.Command(string sql) => Command(sql);

    DbCommand ISqlScope.AdHoc(string sql) => AdHoc(sql);

    DbParameter ISqlScope.NewParameter(int index) => new SqliteParameter("$p" + index, DBNull.Value);

    internal SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var cmd))
        {
            cmd = _conn.CreateCommand();
            cmd.CommandText = sql;
            _commands[sql] = cmd;
        }
        cmd.Transaction = _tx;
        return cmd;
    }

    /// <summary>A fresh (uncached) command, for dynamically built SQL such as run queries.</summary>
    internal SqliteCommand AdHoc(string sql)
    {
        var cmd = _conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = _tx;
        return cmd;
    }

    public override void Dispose()
    {
        lock (_gate)
        {
            foreach (var c in _commands.Values) c.Dispose();
            _commands.Clear();
            _conn.Dispose();
        }
    }
}
