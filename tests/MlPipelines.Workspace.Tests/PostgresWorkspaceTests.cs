using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Workspace.Tests.Backends;
using Npgsql;

namespace MlPipelines.Workspace.Tests;

/// <summary>What only the PostgreSQL workspace has: its migrations, its location and its settings/stats on the server.</summary>
[RequiresPostgres]
public sealed class PostgresWorkspaceTests : IDisposable
{
    private readonly PostgresBackend _backend = new();

    public void Dispose() => _backend.Dispose();

    private long Count(string sql)
    {
        using var c = new NpgsqlConnection(_backend.ConnectionString);
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        return Convert.ToInt64(cmd.ExecuteScalar());
    }

    [WorkspaceFact]
    public void Open_ConcurrentlyOnEmptySchema_MigratesOnce()
    {
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ => _backend.Open().Dispose());
        using var ws = _backend.Open();
        Assert.Equal(("postgresql", MlPipelines.Workspace.Postgres.PgSchema.CurrentVersion), (ws.Info.Kind, ws.Info.SchemaVersion));
        Assert.Equal(MlPipelines.Workspace.Postgres.PgSchema.CurrentVersion, Count("SELECT COUNT(*) FROM schema_migrations")); // each migration once
    }

    [WorkspaceFact]
    public void Info_Location_NamesServerAndSchemaWithoutPassword()
    {
        using var ws = _backend.Open();
        var b = new NpgsqlConnectionStringBuilder(_backend.ConnectionString);
        Assert.Equal($"postgresql://{b.Host}:{b.Port}/{b.Database}?search_path={b.SearchPath}", ws.Info.Location);
        Assert.DoesNotContain(b.Password!, ws.Info.Location.Replace(b.Database!, "").Replace(b.SearchPath!, ""));
    }

    [WorkspaceFact]
    public void Open_SchemaNewerThanCode_RefusedAsInvalid()
    {
        _backend.Open().Dispose();
        _backend.Exec("INSERT INTO schema_migrations(version, applied_at) VALUES (99, 0)");
        var e = Assert.Throws<MlpException>(() => _backend.Open());
        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains("schema 99 is newer", e.Message);
    }

    [WorkspaceFact]
    public void SettingsAndStats_ReadFromTheDatabase()
    {
        using var ws = _backend.Open();
        ws.SetSetting("image.dotnet.base", "a");
        ws.SetSetting("image.dotnet.base", "b");
        Assert.Equal("b", ws.Settings["image.dotnet.base"]);
        Assert.Equal(ErrorKind.InvalidInput, Assert.Throws<MlpException>(() => ws.SetSetting("bad key", "x")).Kind);
        var id = ws.Runs.CreateRun(new NewRun("e")).Id;
        ws.Runs.LogMetrics(id, [new("m", 1, 0, DateTimeOffset.UtcNow), new("m", 2, 1, DateTimeOffset.UtcNow)]);
        var stats = ws.Stats();
        Assert.Equal((1, 1, 2L), (stats.Experiments, stats.Runs, stats.MetricPoints));
        Assert.True(stats.DatabaseBytes > 0);
    }

    [WorkspaceFact]
    public void Open_UnreachableServer_Unavailable()
    {
        var cs = new NpgsqlConnectionStringBuilder(_backend.ConnectionString) { Port = 1, Timeout = 2 }.ToString();
        using var files = new TempDir();
        var e = Assert.Throws<MlpException>(() => Postgres.PostgresWorkspace.Open(cs, files.Path));
        Assert.Equal(ErrorKind.Unavailable, e.Kind);
    }
}
