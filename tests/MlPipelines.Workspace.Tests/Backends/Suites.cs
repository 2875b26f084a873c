using MlPipelines.Core.Runs;
using MlPipelines.Workspace.Tests.Backends;

namespace MlPipelines.Workspace.Tests;

// Each store suite runs once per backend: the same tests, the same assertions.
public sealed class RunStoreSqliteTests : RunStoreTests
{
    private readonly SqliteBackend _sqlite;

    public RunStoreSqliteTests() : this(new SqliteBackend()) { }

    private RunStoreSqliteTests(SqliteBackend backend) : base(backend) => _sqlite = backend;

    // Reads rows an older SQLite schema wrote (one row per point); the PostgreSQL schema never had them.
    [Fact]
    public void GetMetrics_RowsFromOlderSchema_StillRead()
    {
        var id = Workspace.Runs.CreateRun(new NewRun("e")).Id;
        Workspace.Runs.LogMetrics(id, [new("acc", 0.5, 1, DateTimeOffset.UtcNow)]);
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_sqlite.DatabasePath};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "INSERT INTO metrics(run_key, name, step, value, special, ts) SELECT key, 'acc', 0, 0.25, 0, 0 FROM runs WHERE id = $id";
            cmd.Parameters.AddWithValue("$id", id);
            cmd.ExecuteNonQuery();
        }
        Assert.Equal([0.25, 0.5], Workspace.Runs.GetMetrics(id, "acc").Select(p => p.Value));
        Assert.Equal(2, Workspace.Stats().MetricPoints);
    }
}
[RequiresPostgres] public sealed class RunStorePostgresTests() : RunStoreTests(new PostgresBackend());

public sealed class RunQuerySqliteTests() : RunQueryTests(new SqliteBackend());
[RequiresPostgres] public sealed class RunQueryPostgresTests() : RunQueryTests(new PostgresBackend());

public sealed class ModelRegistrySqliteTests() : ModelRegistryTests(new SqliteBackend());
[RequiresPostgres] public sealed class ModelRegistryPostgresTests() : ModelRegistryTests(new PostgresBackend());

public sealed class DatasetStoreSqliteTests() : DatasetStoreTests(new SqliteBackend());
[RequiresPostgres] public sealed class DatasetStorePostgresTests() : DatasetStoreTests(new PostgresBackend());

public sealed class EndpointAndImageStoreSqliteTests() : EndpointAndImageStoreTests(new SqliteBackend());
[RequiresPostgres] public sealed class EndpointAndImageStorePostgresTests() : EndpointAndImageStoreTests(new PostgresBackend());

public sealed class ConcurrencySqliteTests() : ConcurrencyTests(new SqliteBackend());
[RequiresPostgres] public sealed class ConcurrencyPostgresTests() : ConcurrencyTests(new PostgresBackend());

public sealed class ManifestRegistrationSqliteTests() : ManifestRegistrationTests(new SqliteBackend());
[RequiresPostgres] public sealed class ManifestRegistrationPostgresTests() : ManifestRegistrationTests(new PostgresBackend());

public sealed class ComputeAndEnvironmentStoreSqliteTests() : ComputeAndEnvironmentStoreTests(new SqliteBackend());
[RequiresPostgres] public sealed class ComputeAndEnvironmentStorePostgresTests() : ComputeAndEnvironmentStoreTests(new PostgresBackend());
