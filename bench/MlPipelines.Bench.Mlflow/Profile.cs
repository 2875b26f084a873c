using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;
using MlPipelines.Mlflow.Protocol;
using MlPipelines.Mlflow.Tracking;
using MlPipelines.Workspace;

namespace MlPipelines.Bench.Mlflow;

/// <summary>
/// A diagnostic (rows without targets): where a log-batch call, a get-history call and a search spend their time, in
/// this process without HTTP, on the benchmark's store (a SQLite workspace, or a schema of the PostgreSQL database) —
/// request parsing, the handler, the store alone, writing the answer. For PostgreSQL the wall time is what counts (the
/// database's own CPU is another process's).
/// </summary>
internal static class Profile
{
    public static IEnumerable<BenchResult> Run(string dir, int iterations, string store, string? postgres)
    {
        using IWorkspace ws = postgres is null
            ? LocalWorkspace.Init(Path.Combine(dir, "profile"))
            : MlPipelines.Workspace.Postgres.PostgresWorkspace.Init(new Npgsql.NpgsqlConnectionStringBuilder(postgres) { SearchPath = "profile" }.ConnectionString, Path.Combine(dir, "profile"));
        var label = $"profile (in process, {store})";
        if (ws is LocalWorkspace local) MlPipelines.Bench.Store.Seed.Runs(local.Database, "bench", 10_000);
        else if (ws is MlPipelines.Workspace.Postgres.PostgresWorkspace pg)
        {
            MlPipelines.Bench.Store.Seed.Runs(pg.Database, "bench", 10_000);
            // The seed writes run keys itself: move the identity past them before runs are created.
            pg.Database.Write(s => s.Exec("SELECT setval(pg_get_serial_sequence('runs', 'key'), (SELECT MAX(key) FROM runs))"));
        }
        var search = new RunQuery { Experiment = "bench", Filter = "metrics.accuracy > 0.9", OrderBy = "metrics.accuracy DESC", Max = 101 };
        var run = ws.Runs.CreateRun(new NewRun("profile") { Status = RunStatus.Running });
        var history = ws.Runs.CreateRun(new NewRun("profile") { Status = RunStatus.Running });
        ws.Runs.LogMetrics(history.Id, [.. Enumerable.Range(0, 2000).Select(i => new MetricPoint("loss", 1.0 / (i + 1), i, DateTimeOffset.UtcNow))]);
        var step = 0L;
        byte[] Body() => MetricBodies.LogBatch(run.Id, "loss", (step += 1000) - 1000, 1000);
        var points = Enumerable.Range(0, 1000).Select(i => new MetricPoint("loss", i, i, DateTimeOffset.UtcNow)).ToList();
        var historyQuery = $"run_id={history.Id}&metric_key=loss";
        BenchResult R(string what, Func<Func<Task>> prepare) => Row($"{label}: {what}", iterations, prepare);
        return
        [
            R("log-batch: read a 1,000-metric body (not parsed)", () => { var b = Post(Body()); return () => MlflowRequest.ReadAsync(b, parseBody: false); }),
            R("log-batch: the same body parsed into a JsonDocument (what log-batch no longer does)", () => { var b = Post(Body()); return () => MlflowRequest.ReadAsync(b); }),
            R("log-batch: the one-pass read of that body into 1,000 points alone", () => { var b = Body(); return () => { LogBatchBody.Read(b); return Task.CompletedTask; }; }),
            R("log-batch: the handler (one-pass read into points, checks, store)", () =>
            {
                var r = MlflowRequest.ReadAsync(Post(Body()), parseBody: false).GetAwaiter().GetResult();
                return () => { LoggingCalls.LogBatch(r, ws); return Task.CompletedTask; };
            }),
            R("log-batch: the store's LogMetrics of 1,000 points alone", () => () => { ws.Runs.LogMetrics(run.Id, points); return Task.CompletedTask; }),
            R("the store's IsDeleted (the logging calls' run check)", () => () => { ws.Runs.IsDeleted(run.Id); return Task.CompletedTask; }),
            R("the store's GetRun", () => () => { ws.Runs.GetRun(run.Id); return Task.CompletedTask; }),
            R("the store's ListExperiments (10,000 runs)", () => () => { ws.Runs.ListExperiments(); return Task.CompletedTask; }),
            R("the store's QueryRuns: 10k runs, accuracy > 0.9 by accuracy, 101 rows", () => () => { ws.Runs.QueryRuns(search); return Task.CompletedTask; }),
            R("runs/search handler, the same query (100 runs), answer written", () =>
            {
                var ctx = Post(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { experiment_ids = new[] { "1" }, filter = search.Filter, order_by = new[] { search.OrderBy }, max_results = 100 }));
                ctx.Response.Body = Stream.Null;
                return async () => await RunCalls.Search(await MlflowRequest.ReadAsync(ctx), ws).ExecuteAsync(ctx);
            }),
            R("get-history 2,000 points: the store's GetMetrics alone", () => () => { ws.Runs.GetMetrics(history.Id, "loss"); return Task.CompletedTask; }),
            R("get-history 2,000 points: read the request + the handler", () => async () => MetricHistoryCalls.GetHistory(await MlflowRequest.ReadAsync(Get(historyQuery)), ws)),
            R("get-history 2,000 points: writing the JSON answer", () =>
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
        return new BenchResult($"{label}: CPU per call | wall p50", cpu, "ms", Timings.Percentile(times, 0.5), "(info)");
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
