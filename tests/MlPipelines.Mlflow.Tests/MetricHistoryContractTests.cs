namespace MlPipelines.Mlflow.Tests;

public sealed class MetricHistoryContractEmbeddedTests(EmbeddedMlflowServer s) : MetricHistoryContractTests(s), IClassFixture<EmbeddedMlflowServer>;
public sealed class MetricHistoryContractSqliteTests(SqliteMlflowServer s) : MetricHistoryContractTests(s), IClassFixture<SqliteMlflowServer>;
[OnPostgres] public sealed class MetricHistoryContractPostgresTests(PostgresMlflowServer s) : MetricHistoryContractTests(s), IClassFixture<PostgresMlflowServer>;

/// <summary>metrics/get-history-bulk-interval: MLflow's sampling rule, MetricWithRunId shape, limits and error texts.</summary>
public abstract class MetricHistoryContractTests(MlflowServer server)
{
    [BackendFact]
    public async Task BulkInterval_FewSteps_EveryPointOfEachRunInRequestOrderWithRunId()
    {
        var ml = await server.NewWorkspaceAsync();
        var (a, b) = (await ml.CreateRun(), await ml.CreateRun());
        await Log(ml, b, "loss", [5, 6, 7]);
        await Log(ml, a, "loss", [1, 0, 2]);
        (await ml.Post("runs/log-metric", new { run_id = a, key = "loss", value = 9.5, timestamp = 1700000000000L, step = 1 })).Ok(); // a second point at step 1, earlier
        await Log(ml, a, "other", [3]);
        var metrics = (await ml.Get($"metrics/get-history-bulk-interval?run_ids={b}&run_ids={a}&metric_key=loss")).Ok().GetProperty("metrics").EnumerateArray().ToList();
        Assert.Equal([(b, 5L), (b, 6L), (b, 7L), (a, 0L), (a, 1L), (a, 1L), (a, 2L)],
            metrics.Select(m => (m.GetProperty("run_id").GetString()!, m.GetProperty("step").GetInt64())));
        Assert.Equal(9.5, metrics[4].GetProperty("value").GetDouble()); // same step: earlier timestamp first
        Assert.Equal(1700000000000L, metrics[4].GetProperty("timestamp").GetInt64());
        Assert.All(metrics, m => Assert.Equal("loss", m.GetProperty("key").GetString()));
        Assert.Empty((await ml.Get($"metrics/get-history-bulk-interval?run_ids={a}&metric_key=never")).Ok().GetProperty("metrics").EnumerateArray());
    }

    [BackendFact]
    public async Task BulkInterval_ManySteps_EvenlySpacedPlusLastStepAndEachRunsFirstAndLast()
    {
        var ml = await server.NewWorkspaceAsync();
        var (a, b) = (await ml.CreateRun(), await ml.CreateRun());
        await Log(ml, a, "acc", [.. Enumerable.Range(0, 100).Select(i => (long)i)]);
        await Log(ml, b, "acc", [7, 55]);
        var all = await Steps(ml, $"run_ids={a}&run_ids={b}&metric_key=acc&max_results=10");
        Assert.Equal([0, 7, 10, 20, 30, 40, 50, 55, 60, 70, 80, 90, 99], all[a]);
        Assert.Equal([7, 55], all[b]);
        var window = await Steps(ml, $"run_ids={a}&run_ids={b}&metric_key=acc&max_results=4&start_step=20&end_step=59");
        Assert.Equal([20, 30, 40, 50, 55, 59], window[a]);
        Assert.Equal([55], window[b]);
        var everyStep = await Steps(ml, $"run_ids={a}&metric_key=acc&start_step=90&end_step=90");
        Assert.Equal([90], everyStep[a]);
    }

    [BackendFact]
    public async Task BulkInterval_BadRequests_AreMlflowsErrors()
    {
        var ml = await server.NewWorkspaceAsync();
        var id = await ml.CreateRun();
        Assert.Contains("'run_ids'", (await ml.Get("metrics/get-history-bulk-interval?metric_key=x")).Error(400, "INVALID_PARAMETER_VALUE"));
        var many = string.Join("&", Enumerable.Range(0, 101).Select(i => $"run_ids=r{i}"));
        Assert.Equal("GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received 101 run_ids.",
            (await ml.Get($"metrics/get-history-bulk-interval?{many}&metric_key=x")).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Contains("'metric_key'", (await ml.Get($"metrics/get-history-bulk-interval?run_ids={id}")).Error(400, "INVALID_PARAMETER_VALUE"));
        foreach (var max in new[] { "0", "2501" })
            Assert.Equal("max_results must be between 1 and 2500.",
                (await ml.Get($"metrics/get-history-bulk-interval?run_ids={id}&metric_key=x&max_results={max}")).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Contains("'start_step'", (await ml.Get($"metrics/get-history-bulk-interval?run_ids={id}&metric_key=x&start_step=one&end_step=2")).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Equal("If either start step or end step are specified, both must be specified.",
            (await ml.Get($"metrics/get-history-bulk-interval?run_ids={id}&metric_key=x&start_step=1")).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Equal("end_step must be greater than start_step. Found start_step=5 and end_step=2.",
            (await ml.Get($"metrics/get-history-bulk-interval?run_ids={id}&metric_key=x&start_step=5&end_step=2")).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Contains("run-nope", (await ml.Get($"metrics/get-history-bulk-interval?run_ids={id}&run_ids=run-nope&metric_key=x")).Error(404, "RESOURCE_DOES_NOT_EXIST"));
    }

    [BackendFact(NeedsIdentities = true)]
    public async Task BulkInterval_Reader_MayCall_AndAnswersCarryServerTiming()
    {
        var ml = await server.NewWorkspaceAsync();
        var id = await ml.CreateRun();
        await Log(ml, id, "loss", [0, 1]);
        var reader = await server.TokenWithRoleAsync(ml.Workspace, "Reader");
        Assert.Equal(2, (await ml.Get($"metrics/get-history-bulk-interval?run_ids={id}&metric_key=loss", reader)).Ok().GetProperty("metrics").GetArrayLength());
        using var http = await server.ServerClientAsync(ml.Token);
        using var answer = await http.GetAsync($"workspaces/{ml.Workspace}/api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids={id}&metric_key=loss");
        var timing = Assert.Single(answer.Headers.GetValues("Server-Timing"));
        Assert.Matches(@"^mlflow;dur=\d+\.\d{3}$", timing);
        Assert.Equal((await answer.Content.ReadAsByteArrayAsync()).Length, answer.Content.Headers.ContentLength);
    }

    private static async Task Log(MlflowClient ml, string run, string key, long[] steps) =>
        (await ml.Post("runs/log-batch", new { run_id = run, metrics = steps.Select(s => new { key, value = s / 10.0, timestamp = 1700000000100L + s, step = s }).ToArray() })).Ok();

    private static async Task<Dictionary<string, List<long>>> Steps(MlflowClient ml, string query) =>
        (await ml.Get("metrics/get-history-bulk-interval?" + query)).Ok().GetProperty("metrics").EnumerateArray()
            .GroupBy(m => m.GetProperty("run_id").GetString()!)
            .ToDictionary(g => g.Key, g => g.Select(m => m.GetProperty("step").GetInt64()).ToList());
}
