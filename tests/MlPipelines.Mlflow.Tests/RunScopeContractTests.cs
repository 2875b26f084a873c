namespace MlPipelines.Mlflow.Tests;

public sealed class RunScopeContractEmbeddedTests(EmbeddedMlflowServer s) : RunScopeContractTests(s), IClassFixture<EmbeddedMlflowServer>;
public sealed class RunScopeContractSqliteTests(SqliteMlflowServer s) : RunScopeContractTests(s), IClassFixture<SqliteMlflowServer>;
[OnPostgres] public sealed class RunScopeContractPostgresTests(PostgresMlflowServer s) : RunScopeContractTests(s), IClassFixture<PostgresMlflowServer>;

/// <summary>
/// The token a step process gets (<c>MLFLOW_TRACKING_TOKEN</c>, scoped to its run) on every backend: it logs into its
/// own run and can search, but cannot write another run or create runs; requests without a valid token get 401.
/// </summary>
public abstract class RunScopeContractTests(MlflowServer server)
{
    [BackendFact]
    public async Task RunToken_LogsIntoItsRun_AndSearches()
    {
        var ml = await server.NewWorkspaceAsync();
        var id = await ml.CreateRun(name: "step");
        var token = await server.RunTokenAsync(ml, id);
        (await ml.Post("runs/log-batch", new { run_id = id, metrics = new[] { new { key = "acc", value = 0.75, timestamp = 1L, step = 0L } }, @params = new[] { new { key = "lr", value = "0.1" } } }, token)).Ok();
        (await ml.Post("runs/log-metric", new { run_id = id, key = "acc", value = 0.8, timestamp = 2, step = 1 }, token)).Ok();
        var history = (await ml.Get($"metrics/get-history?run_id={id}&metric_key=acc", token)).Ok().GetProperty("metrics");
        Assert.Equal([0.75, 0.8], history.EnumerateArray().Select(m => m.GetProperty("value").GetDouble()));
        Assert.Contains((await ml.Post("runs/search", new { }, token)).Ok().GetProperty("runs").EnumerateArray(), r => r.GetProperty("info").GetProperty("run_id").GetString() == id);
        using var ws = ml.Open();
        Assert.Equal("0.1", ws.Runs.GetRun(id).Params["lr"]);
    }

    [BackendFact]
    public async Task RunToken_CannotWriteAnotherRunOrCreateRuns()
    {
        var ml = await server.NewWorkspaceAsync();
        var mine = await ml.CreateRun(name: "mine");
        var other = await ml.CreateRun(name: "other");
        var token = await server.RunTokenAsync(ml, mine);
        var denied = await ml.Post("runs/log-metric", new { run_id = other, key = "x", value = 1, timestamp = 1 }, token);
        Assert.Contains($"scoped to run '{mine}'", denied.Error(403, "PERMISSION_DENIED"));
        Assert.Equal(403, (await ml.Post("runs/create", new { run_name = "sneaky" }, token)).Status);
        using var ws = ml.Open();
        Assert.Empty(ws.Runs.GetMetrics(other));
    }

    [BackendFact]
    public async Task NoOrUnknownToken_Is401()
    {
        var ml = await server.NewWorkspaceAsync();
        using var anonymous = ml.Http(null);
        Assert.Equal(401, (int)(await anonymous.PostAsync("api/2.0/mlflow/runs/search", new StringContent("{}"))).StatusCode);
        Assert.Equal(401, (await ml.Post("runs/search", new { }, "mlpe_not-a-token")).Status);
    }
}
