using MlPipelines.Core.Workspaces;
using MlPipelines.Workspace.Postgres;
using Npgsql;

namespace MlPipelines.Workspace.Tests.Backends;

/// <summary>One fresh workspace on one store; <see cref="Open"/> opens another instance of the same workspace.</summary>
public abstract class WorkspaceBackend : IDisposable
{
    /// <summary>A new instance of this test's workspace (created on the first call).</summary>
    public abstract IWorkspace Open(LocalWorkspaceOptions? options = null);

    public abstract void Dispose();
}

/// <summary>The embedded workspace: a <c>.mlp/</c> folder in a temp folder.</summary>
public sealed class SqliteBackend : WorkspaceBackend
{
    private readonly TempDir _dir = new();
    private bool _created;

    /// <summary>The SQLite file of this test's workspace.</summary>
    public string DatabasePath => System.IO.Path.Combine(_dir.Path, ".mlp", "workspace.db");

    public override IWorkspace Open(LocalWorkspaceOptions? options = null)
    {
        if (_created) return LocalWorkspace.Open(_dir.Path, options);
        _created = true;
        return LocalWorkspace.Init(_dir.Path, options);
    }

    public override void Dispose() => _dir.Dispose();
}

/// <summary>A PostgreSQL workspace in its own schema of the MLP_TEST_POSTGRES database (dropped on dispose), files in a temp folder.</summary>
public sealed class PostgresBackend : WorkspaceBackend
{
    /// <summary>The variable naming the test database; <c>.ci/services/postgres.sh start</c> prints it.</summary>
    public const string Variable = "MLP_TEST_POSTGRES";

    private readonly TempDir _files = new();
    private readonly string _admin;
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N")[..16];

    public PostgresBackend()
    {
        _admin = Environment.GetEnvironmentVariable(Variable) ?? throw new InvalidOperationException(Variable + " is not set");
        Exec($"CREATE SCHEMA {_schema}");
        ConnectionString = new NpgsqlConnectionStringBuilder(_admin) { SearchPath = _schema }.ToString();
    }

    /// <summary>The connection string of this test's workspace (its schema first on the search path).</summary>
    public string ConnectionString { get; }

    public override IWorkspace Open(LocalWorkspaceOptions? options = null) =>
        PostgresWorkspace.Open(ConnectionString, _files.Path, options);

    /// <summary>Runs SQL in this test's schema.</summary>
    public void Exec(string sql)
    {
        using var c = new NpgsqlConnection(ConnectionString ?? _admin);
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    public override void Dispose()
    {
        try { Exec($"DROP SCHEMA IF EXISTS {_schema} CASCADE"); }
        finally { _files.Dispose(); }
    }
}
