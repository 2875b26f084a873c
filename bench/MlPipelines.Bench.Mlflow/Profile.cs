using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using MlPipelines.Core.Runs;
using MlPipelines.Mlflow.Protocol;
using MlPipelines.Mlflow.Tracking;
using MlPipelines.Workspace;

namespace MlPipelines.Bench.Mlflow;

/// <summary>
/// A diagnostic (not a benchmark row with a target): where a log-batch call and a get-history call spend their time,
/// measured in this process without HTTP on a local SQLite workspace — request parsing, the handler, the store alone.
/// </summary>
internal static class Profile
{
    public static IEnumerable<BenchResult> Run(string dir, int iterations)
    {
        using var ws = LocalWorkspace.Init(Path.Combine(dir, "profile"));
        var run = ws.Runs.CreateRun(new NewRun("profile") { Status = RunStatus.Running });
        var history = ws.Runs.CreateRun(new NewRun("profile") { Status = RunStatus.Running });
        ws.Runs.LogMetrics(history.Id, [.. Enumerable.Range(0, 2000).Select(i => new MetricPoint("loss", 1.0 / (i + 1), i, DateTimeOffset.UtcNow))]);
        var step = 0L;
        byte[] Body() => MetricBodies.LogBatch(run.Id, "loss", (step += 1000) - 1000, 1000);
        var points = Enumerable.Range(0, 1000).Select(i => new MetricPoint("loss", i, i, DateTimeOffset.UtcNow)).ToList();
        var rows = new List<BenchResult>
        {
            Row("log-batch: read + parse the request body", iterations, async () =>
            {
                var body = Body();
                var t = Stopwatch.GetTimestamp();
                await Request(body);
                return Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            }, timed: true),
            Row("log-batch: the handler (validation + store), body already parsed", iterations, async () =>
            {
                var r = await Request(Body());
                var t = Stopwatch.GetTimestamp();
                LoggingCalls.LogBatch(r, ws);
                return Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            }, timed: true),
            Row("log-batch: the store's LogMetrics of 1,000 points alone", iterations, () => { ws.Runs.LogMetrics(run.Id, points); return Task.FromResult(0.0); }),
            Row("log-batch: GetRun alone", iterations, () => { ws.Runs.GetRun(run.Id); return Task.FromResult(0.0); }),
            Row("get-history 2,000 points: the store's GetMetrics alone", iterations, () => { ws.Runs.GetMetrics(history.Id, "loss"); return Task.FromResult(0.0); }),
            Row("get-history: read the GET request", iterations, async () =>
            {
                await MlflowRequest.ReadAsync(Get($"run_id={history.Id}&metric_key=loss"));
                return 0.0;
            }),
            Row("get-history 2,000 points: the handler, answer not yet written", iterations, async () =>
            {
                var r = await MlflowRequest.ReadAsync(Get($"run_id={history.Id}&metric_key=loss"));
                var t = Stopwatch.GetTimestamp();
                MetricHistoryCalls.GetHistory(r, ws);
                return Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            }, timed: true),
            Row("get-history 2,000 points: writing the JSON answer", iterations, async () =>
            {
                var ctx = Get($"run_id={history.Id}&metric_key=loss");
                var answer = MetricHistoryCalls.GetHistory(await MlflowRequest.ReadAsync(ctx), ws);
                var t = Stopwatch.GetTimestamp();
                await answer.ExecuteAsync(ctx);
                return Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            }, timed: true),
            Row("get-history 2,000 points: handler + JSON answer", iterations, async () =>
            {
                var ctx = Get($"run_id={history.Id}&metric_key=loss");
                var r = await MlflowRequest.ReadAsync(ctx);
                await MetricHistoryCalls.GetHistory(r, ws).ExecuteAsync(ctx);
                return 0.0;
            }),
        };
        return rows;
    }

    private static BenchResult Row(string label, int iterations, Func<Task<double>> action, bool timed = false)
    {
        var times = new List<double>(iterations);
        for (var i = -20; i < iterations; i++)
        {
            var t = Stopwatch.GetTimestamp();
            var inner = action().GetAwaiter().GetResult();
            if (i >= 0) times.Add(timed ? inner : Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        return new BenchResult($"profile (in process, SQLite): {label}, p50", Timings.Percentile(times, 0.5), "ms", null, "(info)");
    }

    private static async Task<MlflowRequest> Request(byte[] body)
    {
        var ctx = new DefaultHttpContext();
        ctx.Request.Method = "POST";
        ctx.Request.ContentType = "application/json";
        ctx.Request.Body = new MemoryStream(body);
        return await MlflowRequest.ReadAsync(ctx);
    }

    private static DefaultHttpContext Get(string query)
    {
        var ctx = new DefaultHttpContext();
        ctx.Request.Method = "GET";
        ctx.Request.QueryString = new QueryString("?" + query);
        ctx.Response.Body = Stream.Null;
        return ctx;
    }
}
