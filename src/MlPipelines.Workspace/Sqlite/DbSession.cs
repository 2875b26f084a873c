using Microsoft.Data.Sqlite;

namespace MlPipelines.Workspace.Sqlite;

/// <summary>Small helpers over the workspace connection; parameters are <c>$p0</c>, <c>$p1</c>… in order.</summary>
internal readonly struct DbSession(SqliteDb db)
{
    public int Exec(string sql, params object?[] args) => Bind(db.Command(sql), args).ExecuteNonQuery();

    public object? Scalar(string sql, params object?[] args)
    {
        var v = Bind(db.Command(sql), args).ExecuteScalar();
        return v is DBNull ? null : v;
    }

    public long? Long(string sql, params object?[] args) => Scalar(sql, args) is { } v ? Convert.ToInt64(v) : null;

    public string? Text(string sql, params object?[] args) => Scalar(sql, args) as string;

    public List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params object?[] args) =>
        Run(Bind(db.Command(sql), args), map);

    /// <summary>Runs dynamically built SQL without caching the command.</summary>
    public List<T> QueryAdHoc<T>(string sql, Func<SqliteDataReader, T> map, IReadOnlyList<object?> args)
    {
        using var cmd = db.AdHoc(sql);
        return Run(Bind(cmd, args), map);
    }

    /// <summary>A cached prepared command with <paramref name="count"/> parameters, for hot loops.</summary>
    public SqliteCommand Prepared(string sql, int count)
    {
        var cmd = db.Command(sql);
        if (cmd.Parameters.Count != count)
        {
            cmd.Parameters.Clear();
            for (var i = 0; i < count; i++) cmd.Parameters.Add(new SqliteParameter("$p" + i, DBNull.Value));
        }
        return cmd;
    }

    private static List<T> Run<T>(SqliteCommand cmd, Func<SqliteDataReader, T> map)
    {
        var list = new List<T>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) list.Add(map(r));
        return list;
    }

    private static SqliteCommand Bind(SqliteCommand cmd, IReadOnlyList<object?> args)
    {
        if (cmd.Parameters.Count != args.Count)
        {
            cmd.Parameters.Clear();
            for (var i = 0; i < args.Count; i++) cmd.Parameters.Add(new SqliteParameter("$p" + i, DBNull.Value));
        }
        for (var i = 0; i < args.Count; i++) cmd.Parameters[i].Value = ToDb(args[i]);
        return cmd;
    }

    public static object ToDb(object? v) => v switch
    {
        null => DBNull.Value,
        DateTimeOffset d => d.ToUnixTimeMilliseconds(),
        bool b => b ? 1 : 0,
        Enum e => Convert.ToInt32(e),
        _ => v,
    };
}

/// <summary>Reader helpers.</summary>
internal static class ReaderExtensions
{
    public static string? StrOrNull(this SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    public static long? LongOrNull(this SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
    public static DateTimeOffset Time(this SqliteDataReader r, int i) => DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i));
    public static DateTimeOffset? TimeOrNull(this SqliteDataReader r, int i) => r.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i));
}
