using Microsoft.Data.Sqlite;
using MlPipelines.Core.Errors;

namespace MlPipelines.Server.Store;

/// <summary>
/// The server's metadata database: one SQLite connection serialised by a lock, WAL with <c>synchronous=NORMAL</c>,
/// writes in <c>BEGIN IMMEDIATE</c> transactions. The file is created 0600 before SQLite opens it (SQLite gives the
/// -wal and -shm files the database file's mode).
/// </summary>
internal sealed class ServerDb : IDisposable
{
    private readonly object _gate = new();
    private readonly SqliteConnection _conn;
    private SqliteTransaction? _tx;

    public ServerDb(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(Path)!;
        if (!Directory.Exists(dir))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
            else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        if (!File.Exists(Path))
        {
            using (File.Create(Path)) { }
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        _conn = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path, Mode = SqliteOpenMode.ReadWrite, ForeignKeys = true, Pooling = false, DefaultTimeout = 30,
        }.ToString());
        try
        {
            _conn.Open();
            Exec("PRAGMA busy_timeout=30000; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
        }
        catch (SqliteException e)
        {
            _conn.Dispose();
            throw MlpException.Invalid($"Cannot open the server store '{Path}': {e.Message}");
        }
    }

    public string Path { get; }

    public T Read<T>(Func<ServerDb, T> read) { lock (_gate) return read(this); }

    public T Write<T>(Func<ServerDb, T> write)
    {
        lock (_gate)
        {
            if (_tx is not null) return write(this);
            using var tx = _conn.BeginTransaction(deferred: false);
            _tx = tx;
            try
            {
                var result = write(this);
                tx.Commit();
                return result;
            }
            finally { _tx = null; }
        }
    }

    public void Write(Action<ServerDb> write) => Write(d => { write(d); return 0; });

    public int Exec(string sql, params object?[] args) { using var c = Command(sql, args); return c.ExecuteNonQuery(); }

    public object? Scalar(string sql, params object?[] args)
    {
        using var c = Command(sql, args);
        var v = c.ExecuteScalar();
        return v is DBNull ? null : v;
    }

    public List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params object?[] args)
    {
        using var c = Command(sql, args);
        using var r = c.ExecuteReader();
        var list = new List<T>();
        while (r.Read()) list.Add(map(r));
        return list;
    }

    private SqliteCommand Command(string sql, object?[] args)
    {
        var c = _conn.CreateCommand();
        c.CommandText = sql;
        c.Transaction = _tx;
        for (var i = 0; i < args.Length; i++)
            c.Parameters.AddWithValue("$p" + i, args[i] switch
            {
                null => DBNull.Value,
                DateTimeOffset d => d.ToUnixTimeMilliseconds(),
                Enum e => e.ToString(),
                var v => v,
            });
        return c;
    }

    public void Dispose() { lock (_gate) _conn.Dispose(); }
}

/// <summary>Reader helpers for the server store.</summary>
internal static class ServerReader
{
    public static DateTimeOffset Time(this SqliteDataReader r, int i) => DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i));
    public static DateTimeOffset? TimeOrNull(this SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.Time(i);
    public static string? StrOrNull(this SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
