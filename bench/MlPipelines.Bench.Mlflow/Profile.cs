using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using MlPipelines.Core.Runs;
using MlPipelines.Mlflow.Protocol;
using MlPipelines.Mlflow.Tracking;
using MlPipelines.Workspace;

namespace MlPipelines.Bench.Mlflow;

/// <summary>
/// A diagnostic (rows without targets): where a log-batch call and a get-history call spend their time, in this process
/// without HTTP on a local SQLite workspace — request parsing, the handler, the store alone, writing the answer.
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
        var historyQuery = $"run_id={history.Id}&metric_key=loss";
        return
        [
            Row("log-batch: read a 1,000-metric body (not parsed)", iterations, () => { var b = Post(Body()); return () => MlflowRequest.ReadAsync(b, parseBody: false); }),
            Row("log-batch: the same body parsed into a JsonDocument (what log-batch no longer does)", iterations, () => { var b = Post(Body()); return () => MlflowRequest.ReadAsync(b); }),
            Row("log-batch: the handler (one-pass read into points, checks, store)", iterations, () =>
            {
                var r = MlflowRequest.ReadAsync(Post(Body()), parseBody: false).GetAwaiter().GetResult();
                return () => { LoggingCalls.LogBatch(r, ws); return Task.CompletedTask; };
            }),
            Row("log-batch: the store's LogMetrics of 1,000 points alone", iterations, () => () => { ws.Runs.LogMetrics(run.Id, points); return Task.CompletedTask; }),
            Row("get-history 2,000 points: the store's GetMetrics alone", iterations, () => () => { ws.Runs.GetMetrics(history.Id, "loss"); return Task.CompletedTask; }),
            Row("get-history 2,000 points: read the request + the handler", iterations, () => async () => MetricHistoryCalls.GetHistory(await MlflowRequest.ReadAsync(Get(historyQuery)), ws)),
            Row("get-history 2,000 points: writing the JSON answer", iterations, () =>
            {
                var ctx = Get(historyQuery);
                var answer = MetricHistoryCalls.GetHistory(MlflowRequest.ReadAsync(ctx).GetAwaiter().GetResult(), ws);
                return () => answer.ExecuteAsync(ctx);
            }),
        ];
    }

    // Wall time on a shared machine mostly measures the queue for a core; the process's CPU time per call does not.
    // Each call is prepared first (outside both measures); then the prepared calls run back to back.
    private static BenchResult Row(string label, int iterations, Func<Func<Task>> prepare)
    {
        for (var i = 0; i < 20; i++) prepare()().GetAwaiter().GetResult();
        var calls = Enumerable.Range(0, iterations).Select(_ => prepare()).ToList();
        var times = new List<double>(iterations);
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        foreach (var call in calls)
        {
            var t = Stopwatch.GetTimestamp();
            call().GetAwaiter().GetResult();
            times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / iterations;
        return new BenchResult($"profile (in process, SQLite): {label}: CPU per call | wall p50", cpu, "ms", Timings.Percentile(times, 0.5), "(info)");
    }

    private static DefaultHttpContext Post(byte[] body)
    {
        var ctx = new DefaultHttpContext();
        ctx.Request.Method = "POST";
        ctx.Request.ContentType = "application/json";
        ctx.Request.ContentLength = body.Length;
        ctx.Request.Body = new MemoryStream(body);
        return ctx;
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
