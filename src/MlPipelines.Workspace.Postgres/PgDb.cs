using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Text.RegularExpressions;
using MlPipelines.Core.Errors;
using MlPipelines.Workspace.Sql;
using Npgsql;

namespace MlPipelines.Workspace.Postgres;

/// <summary>
/// The stores' database on PostgreSQL: pooled connections (one per outermost call), reads under MVCC, and
/// writes in READ COMMITTED transactions that first take a transaction-scoped advisory lock of the schema. That
/// lock makes writers take turns exactly like SQLite's <c>BEGIN IMMEDIATE</c>, so the stores' read-then-write logic
/// (next version number, param set once, alias moves) needs no engine-specific care. Serialisation failures and
/// deadlocks are retried as a whole.
/// </summary>
internal sealed partial class PgDb : StoreDb
{
    private static readonly TimeSpan RetryBudget = TimeSpan.FromSeconds(90);
    private static readonly ConcurrentDictionary<string, string> Translated = new(StringComparer.Ordinal);

    private readonly NpgsqlDataSource _source;
    private readonly ThreadLocal<Scope?> _current = new();

    public PgDb(string connectionString)
    {
        try { _source = new NpgsqlDataSourceBuilder(connectionString).Build(); }
        catch (ArgumentException e) { throw MlpException.Invalid($"Invalid PostgreSQL connection string: {e.Message}"); }
    }

    /// <inheritdoc />
    public override SqlDialect Dialect => PgDialect.Instance;

    /// <inheritdoc />
    public override T Read<T>(Func<DbSession, T> read)
    {
        if (_current.Value is { } outer) return read(new DbSession(outer));
        using var conn = Open();
        var scope = new Scope(conn, null);
        _current.Value = scope;
        try { return read(new DbSession(scope)); }
        finally { _current.Value = null; }
    }

    /// <inheritdoc />
    public override T Write<T>(Func<DbSession, T> write)
    {
        var outer = _current.Value;
        if (outer?.Transaction is not null) return write(new DbSession(outer)); // nested: join the outer transaction
        return Retry(() =>
        {
            var conn = outer?.Connection ?? Open();
            try
            {
                using var tx = conn.BeginTransaction(IsolationLevel.ReadCommitted);
                var scope = new Scope(conn, tx);
                _current.Value = scope;
                try
                {
                    using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('mlp:' || current_schema()))", conn, tx))
                        lockCmd.ExecuteNonQuery();
                    var result = write(new DbSession(scope));
                    tx.Commit();
                    return result;
                }
                finally { _current.Value = outer; }
            }
            finally
            {
                if (outer is null) conn.Dispose();
            }
        });
    }

    private NpgsqlConnection Open()
    {
        try { return _source.OpenConnection(); }
        catch (NpgsqlException e) { throw MlpException.Unavailable($"Cannot connect to the PostgreSQL workspace database: {e.Message}", e); }
    }

    private static T Retry<T>(Func<T> action)
    {
        var started = DateTime.UtcNow;
        var delay = 5;
        while (true)
        {
            try { return action(); }
            catch (PostgresException e) when (IsTransient(e) && DateTime.UtcNow - started < RetryBudget)
            {
                Thread.Sleep(Random.Shared.Next(delay, delay * 2));
                delay = Math.Min(delay * 2, 200);
            }
        }
    }

    private static bool IsTransient(PostgresException e) =>
        e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected;

    /// <summary>The stores write <c>$p0</c>, <c>$p1</c>…; PostgreSQL numbers positional parameters from <c>$1</c>.</summary>
    internal static string Translate(string sql) => Placeholder().Replace(sql, m => "$" + (int.Parse(m.Groups[1].Value) + 1));

    [GeneratedRegex(@"\$p(\d+)")]
    private static partial Regex Placeholder();

    /// <inheritdoc />
    public override void Dispose()
    {
        _source.Dispose();
        _current.Dispose();
    }

    private sealed class Scope(NpgsqlConnection connection, NpgsqlTransaction? transaction) : ISqlScope
    {
        public NpgsqlConnection Connection => connection;
        public NpgsqlTransaction? Transaction => transaction;
        public SqlDialect Dialect => PgDialect.Instance;

        public DbCommand Command(string sql) => new NpgsqlCommand(Translated.GetOrAdd(sql, Translate), connection, transaction);

        public DbCommand AdHoc(string sql) => new NpgsqlCommand(Translate(sql), connection, transaction);

        public DbParameter NewParameter(int index) => new NpgsqlParameter { Value = DBNull.Value };
    }
}
