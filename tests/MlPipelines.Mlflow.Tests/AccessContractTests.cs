namespace MlPipelines.Mlflow.Tests;

public sealed class AccessContractEmbeddedTests(EmbeddedMlflowServer s) : AccessContractTests(s), IClassFixture<EmbeddedMlflowServer>;
public sealed class AccessContractSqliteTests(SqliteMlflowServer s) : AccessContractTests(s), IClassFixture<SqliteMlflowServer>;
[OnPostgres] public sealed class AccessContractPostgresTests(PostgresMlflowServer s) : AccessContractTests(s), IClassFixture<PostgresMlflowServer>;

/// <summary>The server's roles apply to MLflow calls: each call needs its catalogued action.</summary>
public abstract class AccessContractTests(MlflowServer server)
{
    [BackendFact(NeedsIdentities = true)]
    public async Task Reader_SearchesAndReads_ButCannotLog()
    {
        var ml = await server.NewWorkspaceAsync();
        var id = await ml.CreateRun();
        var reader = await server.TokenWithRoleAsync(ml.Workspace, "Reader");
        (await ml.Post("runs/search", new { }, reader)).Ok();
        (await ml.Get($"runs/get?run_id={id}", reader)).Ok();
        (await ml.Get($"metrics/get-history?run_id={id}&metric_key=x", reader)).Ok();
        var denied = await ml.Post("runs/log-metric", new { run_id = id, key = "x", value = 1, timestamp = 1 }, reader);
        Assert.Equal(403, denied.Status);
        Assert.Contains("needs action 'workspaces/metrics/write'", denied.Text);
        Assert.Equal(403, (await ml.Post("runs/create", new { }, reader)).Status);
    }

    [BackendFact(NeedsIdentities = true)]
    public async Task MetricsWriter_LogsMetricsOnly()
    {
        var ml = await server.NewWorkspaceAsync();
        var id = await ml.CreateRun();
        var writer = await server.TokenWithRoleAsync(ml.Workspace, "AzureML Metrics Writer");
        (await ml.Post("runs/log-metric", new { run_id = id, key = "x", value = 1, timestamp = 1 }, writer)).Ok();
        (await ml.Post("runs/log-batch", new { run_id = id, metrics = new[] { new { key = "x", value = 2.0, timestamp = 2L, step = 1L } } }, writer)).Ok();
        Assert.Contains("workspaces/experiments/runs/write", (await ml.Post("runs/log-batch", new { run_id = id, @params = new[] { new { key = "p", value = "1" } } }, writer)).Error(403, "PERMISSION_DENIED"));
        Assert.Equal(403, (await ml.Post("runs/log-parameter", new { run_id = id, key = "p", value = "1" }, writer)).Status);
        Assert.Equal(403, (await ml.Post("runs/search", new { }, writer)).Status);
        Assert.Equal(401, (await ml.Post("runs/search", new { }, "not-a-token")).Status);
    }

    [Fact]
    public void Actions_AllCatalogued() =>
        Assert.All(MlflowActions.All, a => Assert.True(MlPipelines.Server.Authorization.ActionCatalog.Contains(a), a));
}
