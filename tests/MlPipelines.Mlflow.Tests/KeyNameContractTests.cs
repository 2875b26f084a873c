namespace MlPipelines.Mlflow.Tests;

public sealed class KeyNameContractEmbeddedTests(EmbeddedMlflowServer s) : KeyNameContractTests(s), IClassFixture<EmbeddedMlflowServer>;
public sealed class KeyNameContractSqliteTests(SqliteMlflowServer s) : KeyNameContractTests(s), IClassFixture<SqliteMlflowServer>;
[OnPostgres] public sealed class KeyNameContractPostgresTests(PostgresMlflowServer s) : KeyNameContractTests(s), IClassFixture<PostgresMlflowServer>;

/// <summary>Metric, param and tag keys follow MLflow's rule (spaces, ':' and '/' allowed), so what MLflow code logs fits.</summary>
public abstract class KeyNameContractTests(MlflowServer server)
{
    [BackendFact]
    public async Task Keys_WithSlashSpaceColon_LoggedSearchedAndReadBack()
    {
        var ml = await server.NewWorkspaceAsync();
        var id = await ml.CreateRun(name: "k");
        (await ml.Post("runs/log-batch", new
        {
            run_id = id,
            metrics = new[] { new { key = "train/loss", value = 0.25, timestamp = 1L, step = 3L } },
            @params = new[] { new { key = "optimizer lr", value = "0.1" } },
            tags = new[] { new { key = "stage:name", value = "fit" } },
        })).Ok();
        (await ml.Post("runs/log-metric", new { run_id = id, key = "val/acc", value = 0.9, timestamp = 2L })).Ok();

        var data = (await ml.Get($"runs/get?run_id={id}")).Ok().GetProperty("run").GetProperty("data");
        Assert.Contains(data.GetProperty("metrics").EnumerateArray(), m => m.GetProperty("key").GetString() == "train/loss");
        Assert.Contains(data.GetProperty("params").EnumerateArray(), p => p.GetProperty("key").GetString() == "optimizer lr");
        Assert.Contains(data.GetProperty("tags").EnumerateArray(), t => t.GetProperty("key").GetString() == "stage:name");
        var history = (await ml.Get($"metrics/get-history?run_id={id}&metric_key=train%2Floss")).Ok().GetProperty("metrics");
        Assert.Equal(3, history[0].GetProperty("step").GetInt64());

        foreach (var filter in new[] { "metrics.`train/loss` < 0.5", "metrics.\"train/loss\" < 0.5 and params.\"optimizer lr\" = '0.1'", "tags.`stage:name` = 'fit'" })
        {
            var runs = (await ml.Post("runs/search", new { experiment_ids = new[] { "0" }, filter })).Ok().GetProperty("runs");
            Assert.True(runs.GetArrayLength() == 1, $"'{filter}' found {runs.GetArrayLength()} runs");
        }
        var ordered = (await ml.Post("runs/search", new { experiment_ids = new[] { "0" }, order_by = new[] { "metrics.`val/acc` DESC" } })).Ok().GetProperty("runs");
        Assert.Equal(id, ordered[0].GetProperty("info").GetProperty("run_id").GetString());
    }

    [BackendFact]
    public async Task Keys_ThatReadAsAnotherPath_RefusedWithMlflowsCode()
    {
        var ml = await server.NewWorkspaceAsync();
        var id = await ml.CreateRun(name: "k");
        foreach (var (key, why) in new[] { ("/loss", "starts or ends with '/'"), ("a//b", "'//'"), ("a/../b", "'..' segment"), ("a|b", "'|' is not allowed") })
        {
            var message = (await ml.Post("runs/log-metric", new { run_id = id, key, value = 1.0, timestamp = 1L })).Error(400, "INVALID_PARAMETER_VALUE");
            Assert.Contains(why, message);
        }
        Assert.Contains("had length 251, which exceeded length limit of 250", (await ml.Post("runs/log-parameter", new { run_id = id, key = new string('p', 251), value = "1" })).Error(400, "INVALID_PARAMETER_VALUE"));
    }
}
