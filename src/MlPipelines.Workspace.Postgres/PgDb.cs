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
/// (next version number, param set once, alias moves) needs no engine-specific care; <see cref="WriteConcurrent{T}"/>
/// skips the lock for writes that need no turn. Serialisation failures and deadlocks are retried as a whole.
/// </summary>
internal sealed partial class PgDb : StoreDb
{
    private static readonly TimeSpan RetryBudget = TimeSpan.FromSeconds(90);
    private static readonly ConcurrentDictionary<string, string> Translated = new(StringComparer.Ordinal);

    private readonly NpgsqlDataSource _source;
    private readonly ThreadLocal<Scope?> _current = new();
    private readonly string _what;

    /// <summary>A pool for <paramref name="connectionString"/>; <paramref name="what"/> names the database in errors.</summary>
    public PgDb(string connectionString, string what = "the PostgreSQL workspace database")
    {
        try
        {
            var builder = new NpgsqlDataSourceBuilder(connectionString);
            Schema = PgNames.FirstOfSearchPath(builder.ConnectionStringBuilder.SearchPath);
            // Commits are acknowledged from PostgreSQL's WAL buffers, like the SQLite store's WAL with synchronous=NORMAL:
            // a crash of mlp loses nothing, a crash of PostgreSQL or the OS may lose the last fraction of a second. An
            // explicit synchronous_commit in Options wins (docs/postgresql.md).
            var options = builder.ConnectionStringBuilder.Options ?? "";
            if (!options.Contains("synchronous_commit", StringComparison.OrdinalIgnoreCase))
                builder.ConnectionStringBuilder.Options = (options + " -c synchronous_commit=off").Trim();
            _source = builder.Build();
        }
        catch (ArgumentException e) { throw MlpException.Invalid($"Invalid PostgreSQL connection string: {e.Message}"); }
        _what = what;
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
    public override T Write<T>(Func<DbSession, T> write) => Transact(write, takeTurn: true);

    /// <summary>Runs <paramref name="write"/> in a transaction without the schema's write lock: it runs beside other writers.</summary>
    public override T WriteConcurrent<T>(Func<DbSession, T> write) => Transact(write, takeTurn: false);

    /// <summary>Runs a one-statement write in autocommit (no BEGIN/COMMIT), retried as a whole on a serialisation failure or deadlock.</summary>
    public override T WriteStatement<T>(Func<DbSession, T> write)
    {
        if (_current.Value is { } outer) return write(new DbSession(outer)); // joins an open transaction (or runs beside an open read)
        return Retry(() =>
        {
            using var conn = Open();
            _current.Value = new Scope(conn, null);
            try { return write(new DbSession(_current.Value)); }
            finally { _current.Value = null; }
        });
    }

    private T Transact<T>(Func<DbSession, T> write, bool takeTurn)
    {
        var outer = _current.Value;
        if (outer?.Transaction is not null) // nested: join the outer transaction, taking the lock if it had not
        {
            if (takeTurn && !outer.Locked) outer.Lock();
            return write(new DbSession(outer));
        }
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
                    if (takeTurn) scope.Lock();
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

    /// <summary>
    /// The schema first on the connection's search path (where migrations create their tables), or null when the
    /// connection string sets no search path.
    /// </summary>
    public string? Schema { get; }

    /// <summary>
    /// Checks that <see cref="Schema"/> exists; when it does not, creates it if <paramref name="create"/> is set and
    /// otherwise throws NotFound naming it. Does nothing without a search path.
    /// </summary>
    public void EnsureSchema(bool create)
    {
        if (Schema is null) return;
        using var conn = Open();
        if (SchemaExists(conn, Schema)) return;
        if (!create)
            throw new MlpException(ErrorKind.NotFound,
                $"The PostgreSQL schema '{Schema}' (the connection's Search Path) does not exist in {_what}; create it first (PostgresWorkspace.Init creates it).");
        try
        {
            using var cmd = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {PgNames.Quote(Schema)}", conn);
            cmd.ExecuteNonQuery();
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateSchema)
        {
            // Another process created it at the same moment.
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw MlpException.Invalid($"Cannot create the PostgreSQL schema '{Schema}' in {_what}: {e.MessageText}. Grant CREATE on the database, or create the schema beforehand.");
        }
    }

    private static bool SchemaExists(NpgsqlConnection conn, string schema)
    {
        using var cmd = new NpgsqlCommand("SELECT EXISTS(SELECT 1 FROM pg_namespace WHERE nspname = $1)", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = schema });
        return cmd.ExecuteScalar() is true;
    }

    private NpgsqlConnection Open()
    {
        try { return _source.OpenConnection(); }
        catch (NpgsqlException e) { throw MlpException.Unavailable($"Cannot connect to {_what}: {e.Message}", e); }
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

        /// <summary>True once this transaction holds the schema's write lock.</summary>
        public bool Locked { get; private set; }

        /// <summary>Takes the schema's transaction-scoped write lock (writers take turns on it).</summary>
        public void Lock()
        {
            using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('mlp:' || current_schema()))", connection, transaction))
                lockCmd.ExecuteNonQuery();
            Locked = true;
        }

        public DbCommand Command(string sql) => new NpgsqlCommand(Translated.GetOrAdd(sql, Translate), connection, transaction);

        public DbCommand AdHoc(string sql) => new NpgsqlCommand(Translate(sql), connection, transaction);

        public DbParameter NewParameter(int index) => new NpgsqlParameter { Value = DBNull.Value };
    }
}
