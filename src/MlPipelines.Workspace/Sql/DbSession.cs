using System.Data.Common;

namespace MlPipelines.Workspace.Sql;

/// <summary>Small helpers over the workspace connection; parameters are <c>$p0</c>, <c>$p1</c>… in order.</summary>
internal readonly struct DbSession(ISqlScope scope)
{
    /// <summary>The engine's dialect, for the few statements that differ.</summary>
    public SqlDialect Dialect => scope.Dialect;

    public int Exec(string sql, params object?[] args) => Bind(scope.Command(sql), args).ExecuteNonQuery();

    public object? Scalar(string sql, params object?[] args)
    {
        var v = Bind(scope.Command(sql), args).ExecuteScalar();
        return v is DBNull ? null : v;
    }

    public long? Long(string sql, params object?[] args) => Scalar(sql, args) is { } v ? Convert.ToInt64(v) : null;

    public string? Text(string sql, params object?[] args) => Scalar(sql, args) as string;

    public List<T> Query<T>(string sql, Func<DbDataReader, T> map, params object?[] args) =>
        Run(Bind(scope.Command(sql), args), map);

    /// <summary>Runs dynamically built SQL without caching the command.</summary>
    public List<T> QueryAdHoc<T>(string sql, Func<DbDataReader, T> map, IReadOnlyList<object?> args)
    {
        using var cmd = scope.AdHoc(sql);
        return Run(Bind(cmd, args), map);
    }

    /// <summary>A command with <paramref name="count"/> parameters (cached where the engine caches), for hot loops.</summary>
    public DbCommand Prepared(string sql, int count)
    {
        var cmd = scope.Command(sql);
        if (cmd.Parameters.Count != count) AddParameters(cmd, count);
        return cmd;
    }

    private static List<T> Run<T>(DbCommand cmd, Func<DbDataReader, T> map)
    {
        var list = new List<T>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) list.Add(map(r));
        return list;
    }

    private DbCommand Bind(DbCommand cmd, IReadOnlyList<object?> args)
    {
        if (cmd.Parameters.Count != args.Count) AddParameters(cmd, args.Count);
        for (var i = 0; i < args.Count; i++) cmd.Parameters[i].Value = ToDb(args[i]);
        return cmd;
    }

    private void AddParameters(DbCommand cmd, int count)
    {
        cmd.Parameters.Clear();
        for (var i = 0; i < count; i++) cmd.Parameters.Add(scope.NewParameter(i));
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
    public static string? StrOrNull(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    public static long? LongOrNull(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
    public static DateTimeOffset Time(this DbDataReader r, int i) => DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i));
    public static DateTimeOffset? TimeOrNull(this DbDataReader r, int i) => r.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i));
}
