namespace MlPipelines.Mlflow.Tests;

public sealed class LoggingContractEmbeddedTests(EmbeddedMlflowServer s) : LoggingContractTests(s), IClassFixture<EmbeddedMlflowServer>;
public sealed class LoggingContractSqliteTests(SqliteMlflowServer s) : LoggingContractTests(s), IClassFixture<SqliteMlflowServer>;
[OnPostgres] public sealed class LoggingContractPostgresTests(PostgresMlflowServer s) : LoggingContractTests(s), IClassFixture<PostgresMlflowServer>;

/// <summary>log-metric, log-parameter, set-tag, log-batch (limits and error texts) and metrics/get-history.</summary>
public abstract class LoggingContractTests(MlflowServer server)
{
    [BackendFact]
    public async Task LogMetric_Int64AsStringAndNaN_HistoryInStepOrder()
    {
        var ml = await server.NewWorkspaceAsync();
        var id = await ml.CreateRun();
        (await ml.Post("runs/log-metric", new { run_id = id, key = "loss", value = 0.5, timestamp = "1700000000002", step = "2" })).Ok();
        (await ml.Post("runs/log-metric", new { run_uuid = id, key = "loss", value = 0.9, timestamp = 1700000000001, step = 1 })).Ok();
        (await ml.Post("runs/log-metric", new { run_id = id, key = "loss", value = "NaN", timestamp = 1700000000003, step = 3 })).Ok();
        var history = (await ml.Get($"metrics/get-history?run_id={id}&metric_key=loss")).Ok().GetProperty("metrics").EnumerateArray().ToList();
        Assert.Equal([1L, 2L, 3L], history.Select(m => m.GetProperty("step").GetInt64()));
        Assert.Equal(0.9, history[0].GetProperty("value").GetDouble());
        Assert.Equal(1700000000001, history[0].GetProperty("timestamp").GetInt64());
        Assert.Equal("NaN", history[2].GetProperty("value").GetString());
        var latest = (await ml.Get($"runs/get?run_id={id}")).Ok().GetProperty("run").GetProperty("data").GetProperty("metrics")[0];
        Assert.Equal(("loss", 3L), (latest.GetProperty("key").GetString(), latest.GetProperty("step").GetInt64()));
        (await ml.Post("runs/log-metric", new { run_id = id, key = "loss", value = 1, timestamp = -5 })).Error(400, "INVALID_PARAMETER_VALUE");
        (await ml.Post("runs/log-metric", new { run_id = id, key = "loss", value = 1, step = "two" })).Error(400, "INVALID_PARAMETER_VALUE");
        (await ml.Post("runs/log-metric", new { run_id = "run-nope", key = "loss", value = 1, timestamp = 1 })).Error(404, "RESOURCE_DOES_NOT_EXIST");
    }

    [BackendFact]
    public async Task GetHistory_Paged_EveryPointOnceAndBadTokenIs400()
    {
        var ml = await server.NewWorkspaceAsync();
        var id = await ml.CreateRun();
        var metrics = Enumerable.Range(0, 25).Select(i => new { key = "acc", value = i / 100.0, timestamp = 1700000000000 + i, step = i }).ToArray();
        (await ml.Post("runs/log-batch", new { run_id = id, metrics })).Ok();
        var steps = new List<long>();
        string? token = null;
        do
        {
            var page = (await ml.Get($"metrics/get-history?run_id={id}&metric_key=acc&max_results=10" + (token is null ? "" : "&page_token=" + token))).Ok();
            steps.AddRange(page.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("step").GetInt64()));
            token = page.TryGetProperty("next_page_token", out var t) ? t.GetString() : null;
        } while (token is not null);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => (long)i), steps);
        (await ml.Get($"metrics/get-history?run_id={id}&metric_key=acc&page_token=bm9wZQ")).Error(400, "INVALID_PARAMETER_VALUE");
        Assert.Empty((await ml.Get($"metrics/get-history?run_id={id}&metric_key=never")).Ok().GetProperty("metrics").EnumerateArray());
    }

    [BackendFact]
    public async Task LogParameter_SameValueAgainFine_ChangedValueIs400()
    {
        var ml = await server.NewWorkspaceAsync();
        var id = await ml.CreateRun();
        (await ml.Post("runs/log-parameter", new { run_id = id, key = "lr", value = "0.1" })).Ok();
        (await ml.Post("runs/log-parameter", new { run_id = id, key = "lr", value = "0.1" })).Ok();
        Assert.Contains("'lr'", (await ml.Post("runs/log-parameter", new { run_id = id, key = "lr", value = "0.2" })).Error(400, "INVALID_PARAMETER_VALUE"));
        (await ml.Post("runs/log-parameter", new { run_id = id, key = "long", value = new string('x', 6001) })).Error(400, "INVALID_PARAMETER_VALUE");
    }

    [BackendFact]
    public async Task SetTag_Overwrites()
    {
        var ml = await server.NewWorkspaceAsync();
        var id = await ml.CreateRun();
        (await ml.Post("runs/set-tag", new { run_id = id, key = "stage", value = "a" })).Ok();
        (await ml.Post("runs/set-tag", new { run_id = id, key = "stage", value = "b" })).Ok();
        var tags = (await ml.Get($"runs/get?run_id={id}")).Ok().GetProperty("run").GetProperty("data").GetProperty("tags");
        Assert.Equal("b", tags.EnumerateArray().Single(t => t.GetProperty("key").GetString() == "stage").GetProperty("value").GetString());
    }

    [BackendFact]
    public async Task LogBatch_All_WrittenTogether()
    {
        var ml = await server.NewWorkspaceAsync();
        var id = await ml.CreateRun();
        (await ml.Post("runs/log-batch", new
        {
            run_id = id,
            metrics = new[] { new { key = "acc", value = 0.8, timestamp = 1700000000000L, step = 0L }, new { key = "acc", value = 0.9, timestamp = 1700000000001L, step = 1L } },
            @params = new[] { new { key = "depth", value = "3" } },
            tags = new[] { new { key = "note", value = "batch" } },
        })).Ok();
        var data = (await ml.Get($"runs/get?run_id={id}")).Ok().GetProperty("run").GetProperty("data");
        Assert.Equal(0.9, data.GetProperty("metrics")[0].GetProperty("value").GetDouble());
        Assert.Equal("3", data.GetProperty("params")[0].GetProperty("value").GetString());
        Assert.Contains(data.GetProperty("tags").EnumerateArray(), t => t.GetProperty("key").GetString() == "note");
    }

    [BackendFact]
    public async Task LogBatch_OverMlflowLimits_400WithMlflowsMessages()
    {
        var ml = await server.NewWorkspaceAsync();
        var id = await ml.CreateRun();
        var metrics = Enumerable.Range(0, 1001).Select(i => new { key = "m", value = 1.0, timestamp = 1L, step = (long)i }).ToArray();
        Assert.Equal("A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please split up metrics across multiple requests and try again.",
            (await ml.Post("runs/log-batch", new { run_id = id, metrics })).Error(400, "INVALID_PARAMETER_VALUE"));
        var pars = Enumerable.Range(0, 101).Select(i => new { key = "p" + i, value = "v" }).ToArray();
        Assert.StartsWith("A batch logging request can contain at most 100 params. Got 101 params.",
            (await ml.Post("runs/log-batch", new { run_id = id, @params = pars })).Error(400, "INVALID_PARAMETER_VALUE"));
        var mixed = new { run_id = id, metrics = metrics.Take(950).ToArray(), @params = pars.Take(60).ToArray() };
        Assert.StartsWith("A batch logging request can contain at most 1000 metrics, params, and tags. Got 1010",
            (await ml.Post("runs/log-batch", mixed)).Error(400, "INVALID_PARAMETER_VALUE"));
        var big = new { run_id = id, tags = new[] { new { key = "t", value = "x" } }, padding = new string('x', 1_000_001) };
        Assert.StartsWith("Batched logging API requests must be at most 1000000 bytes",
            (await ml.Post("runs/log-batch", big)).Error(400, "INVALID_PARAMETER_VALUE"));
        var dup = new { run_id = id, @params = new[] { new { key = "a", value = "1" }, new { key = "a", value = "2" } } };
        Assert.StartsWith("Duplicate parameter keys have been submitted: ['a']", (await ml.Post("runs/log-batch", dup)).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Empty((await ml.Get($"runs/get?run_id={id}")).Ok().GetProperty("run").GetProperty("data").GetProperty("params").EnumerateArray());
    }

    [BackendFact]
    public async Task LogBatch_UnknownRun_404EvenWhenEmpty_AndMetricFieldsCheckedInOrder()
    {
        var ml = await server.NewWorkspaceAsync();
        var id = await ml.CreateRun();
        (await ml.Post("runs/log-batch", new { run_id = "run-nope", metrics = new[] { new { key = "m", value = 1.0, timestamp = 1L, step = 0L } } })).Error(404, "RESOURCE_DOES_NOT_EXIST");
        (await ml.Post("runs/log-batch", new { run_id = "run-nope" })).Error(404, "RESOURCE_DOES_NOT_EXIST");
        (await ml.Post("runs/log-batch", new { run_id = id })).Ok();
        // A missing key is reported before a bad value; a bad value before a bad timestamp; the last of a repeated field counts.
        Assert.Equal("Metric name cannot be None. A key name must be provided.",
            (await ml.Post("runs/log-batch", $$"""{"run_id":"{{id}}","metrics":[{"value":"x","timestamp":-1}]}""")).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Contains("'value'", (await ml.Post("runs/log-batch", $$"""{"run_id":"{{id}}","metrics":[{"key":"m","value":"x","timestamp":"y"}]}""")).Error(400, "INVALID_PARAMETER_VALUE"));
        (await ml.Post("runs/log-batch", $$"""{"run_id":"{{id}}","metrics":[{"key":"m","value":1,"step":1,"step":7,"timestamp":5}]}""")).Ok();
        var point = (await ml.Get($"metrics/get-history?run_id={id}&metric_key=m")).Ok().GetProperty("metrics")[0];
        Assert.Equal((7L, 5L), (point.GetProperty("step").GetInt64(), point.GetProperty("timestamp").GetInt64()));
    }

    [BackendFact]
    public async Task Logging_DeletedRun_400NotActiveAndNothingWritten()
    {
        var ml = await server.NewWorkspaceAsync();
        var id = await ml.CreateRun();
        (await ml.Post("runs/set-tag", new { run_id = id, key = "keep", value = "1" })).Ok();
        (await ml.Post("runs/delete", new { run_id = id })).Ok();
        var notActive = $"The run {id} must be in the 'active' state. Current state is deleted.";
        Assert.Equal(notActive, (await ml.Post("runs/log-metric", new { run_id = id, key = "loss", value = 0.5, timestamp = 1700000000000L, step = 0 })).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Equal(notActive, (await ml.Post("runs/log-parameter", new { run_id = id, key = "lr", value = "0.1" })).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Equal(notActive, (await ml.Post("runs/set-tag", new { run_uuid = id, key = "stage", value = "a" })).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Equal(notActive, (await ml.Post("runs/delete-tag", new { run_id = id, key = "keep" })).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Equal(notActive, (await ml.Post("runs/log-batch", new
        {
            run_id = id,
            metrics = new[] { new { key = "acc", value = 0.8, timestamp = 1700000000000L, step = 0L } },
            @params = new[] { new { key = "depth", value = "3" } },
            tags = new[] { new { key = "note", value = "batch" } },
        })).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Equal(notActive, (await ml.Post("runs/log-batch", new { run_id = id })).Error(400, "INVALID_PARAMETER_VALUE"));
        // The batch's own checks come first, as in MLflow.
        Assert.StartsWith("Metric name cannot be None", (await ml.Post("runs/log-batch", new { run_id = id, metrics = new[] { new { value = 1.0 } } })).Error(400, "INVALID_PARAMETER_VALUE"));

        var data = (await ml.Get($"runs/get?run_id={id}")).Ok().GetProperty("run").GetProperty("data");
        Assert.Empty(data.GetProperty("metrics").EnumerateArray());
        Assert.Empty(data.GetProperty("params").EnumerateArray());
        Assert.Equal(["keep", "mlflow.runName"], data.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("key").GetString()).Order());
        Assert.Empty((await ml.Get($"metrics/get-history?run_id={id}&metric_key=acc")).Ok().GetProperty("metrics").EnumerateArray());

        // Restored, it takes records again; a run of a deleted experiment is refused the same way.
        (await ml.Post("runs/restore", new { run_id = id })).Ok();
        (await ml.Post("runs/log-metric", new { run_id = id, key = "loss", value = 0.5, timestamp = 1700000000000L, step = 0 })).Ok();
        var experiment = (await ml.Post("experiments/create", new { name = "gone" })).Ok().GetProperty("experiment_id").GetString()!;
        var inGone = await ml.CreateRun(experiment);
        (await ml.Post("experiments/delete", new { experiment_id = experiment })).Ok();
        Assert.Equal($"The run {inGone} must be in the 'active' state. Current state is deleted.",
            (await ml.Post("runs/log-batch", new { run_id = inGone, metrics = new[] { new { key = "m", value = 1.0, timestamp = 1L, step = 0L } } })).Error(400, "INVALID_PARAMETER_VALUE"));
    }

    [BackendFact]
    public async Task LogBatch_BodyShapes_AnsweredAsForOtherCalls()
    {
        var ml = await server.NewWorkspaceAsync();
        var id = await ml.CreateRun();
        Assert.StartsWith("Malformed JSON request body: ", (await ml.Post("runs/log-batch", "{\"run_id\": ")).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.StartsWith("Malformed JSON request body: ", (await ml.Post("runs/log-batch", $$"""{"run_id":"{{id}}"} {}""")).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Equal("The request body must be a JSON object, not array.", (await ml.Post("runs/log-batch", "[1, 2]")).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.StartsWith("Missing value for required parameter 'run_id'", (await ml.Post("runs/log-batch", "")).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Equal("Invalid value {\"a\": 1} for parameter 'metrics' supplied: expected a list of objects.",
            (await ml.Post("runs/log-batch", $$$"""{"run_id":"{{{id}}}","metrics":{"a": 1}}""")).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Equal("Invalid value [{}, 3] for parameter 'params' supplied: expected a list of objects.",
            (await ml.Post("runs/log-batch", $$"""{"run_id":"{{id}}","params":[{}, 3]}""")).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Equal("Invalid value [\"x\"] for parameter 'key' supplied: expected a string.",
            (await ml.Post("runs/log-batch", $$"""{"run_id":"{{id}}","tags":[{"key":["x"],"value":"v"}]}""")).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Equal("Invalid value \"soon\" for parameter 'timestamp' supplied: expected an int64 (a whole number, or a string holding one).",
            (await ml.Post("runs/log-batch", $$"""{"run_id":"{{id}}","metrics":[{"key":"m","value":1,"timestamp":"soon"}]}""")).Error(400, "INVALID_PARAMETER_VALUE"));
        // Escaped keys, numbers written as strings, NaN, a repeated metrics field (the last counts), unknown fields ignored.
        (await ml.Post("runs/log-batch", $$"""
            {"metrics":[{"key":"ignored","value":1}],"run_uuid":"{{id}}","extra":{"deep":[1,{"x":null}]},
             "metrics":[{"key":"tr\u0061in/loss","value":"NaN","timestamp":"5","step":"2","note":true},{"key":"train/loss","value":0.25,"timestamp":6,"step":3}],
             "params":[{"key":"lr","value":0.01}],"tags":[{"key":"t","value":null}]}
            """)).Ok();
        var history = (await ml.Get($"metrics/get-history?run_id={id}&metric_key=train/loss")).Ok().GetProperty("metrics").EnumerateArray().ToList();
        Assert.Equal([(2L, 5L), (3L, 6L)], history.Select(m => (m.GetProperty("step").GetInt64(), m.GetProperty("timestamp").GetInt64())));
        Assert.Equal("NaN", history[0].GetProperty("value").GetString());
        Assert.Empty((await ml.Get($"metrics/get-history?run_id={id}&metric_key=ignored")).Ok().GetProperty("metrics").EnumerateArray());
        var data = (await ml.Get($"runs/get?run_id={id}")).Ok().GetProperty("run").GetProperty("data");
        Assert.Equal("0.01", data.GetProperty("params")[0].GetProperty("value").GetString());
        Assert.Equal("", data.GetProperty("tags").EnumerateArray().Single(t => t.GetProperty("key").GetString() == "t").GetProperty("value").GetString());
    }
}
