using System.Diagnostics;
using MlPipelines.Bench.Store;
using MlPipelines.Core.Runs;
using MlPipelines.Workspace;
using MlPipelines.Workspace.Remote;

namespace MlPipelines.Bench.Server;

internal sealed record BenchResult(string Name, double Value, string Unit, string? Target = null, bool? Ok = null);

/// <summary>The measured scenarios; every call goes through the server over HTTPS with the native remote client.</summary>
internal static class Scenarios
{
    public static IEnumerable<BenchResult> Ingest(BenchServer server, string store, double target, int points)
    {
        using var ws = server.Open("ingest");
        var run = ws.Runs.CreateRun(new NewRun("bench") { Status = RunStatus.Running });
        var t0 = DateTimeOffset.UtcNow;
        const int batch = 10_000;
        var batches = Enumerable.Range(0, points / batch)
            .Select(b => (IReadOnlyList<MetricPoint>)Enumerable.Range(b * batch, batch).Select(i => new MetricPoint("loss", 1.0 / (i + 1), i, t0)).ToList()).ToList();
        ws.Runs.LogMetrics(run.Id, batches[0]); // warm-up: connection, JIT, first pages
        var sw = Stopwatch.StartNew();
        foreach (var b in batches.Skip(1)) ws.Runs.LogMetrics(run.Id, b);
        var rate = (points - batch) / sw.Elapsed.TotalSeconds;
        yield return new BenchResult($"{store}: batched metric ingest, 1 client, {points:N0} points in batches of {batch:N0}", rate, "points/s", $">= {target:N0}", rate >= target);
    }

    public static IEnumerable<BenchResult> RoundTrip(BenchServer server, string store, int iterations)
    {
        using var ws = server.Open("roundtrip");
        var run = ws.Runs.CreateRun(new NewRun("bench") { Status = RunStatus.Running });
        var samples = new double[iterations];
        for (var i = -200; i < iterations; i++)
        {
            var t = Stopwatch.GetTimestamp();
            ws.Runs.LogMetrics(run.Id, [new MetricPoint("loss", i, i + 200, DateTimeOffset.UtcNow)]);
            if (i >= 0) samples[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }
        var reads = new double[iterations];
        for (var i = -200; i < iterations; i++)
        {
            var t = Stopwatch.GetTimestamp();
            _ = ws.Settings;
            if (i >= 0) reads[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }
        Array.Sort(reads);
        Array.Sort(samples);
        yield return new BenchResult($"{store}: one small read (settings) round trip, p50 (the HTTPS + auth floor)", reads[iterations / 2], "ms", "(info)");
        yield return new BenchResult($"{store}: one metric point round trip, p50 of {iterations:N0}", samples[iterations / 2], "ms", "<= 1 ms", samples[iterations / 2] <= 1);
        yield return new BenchResult($"{store}: one metric point round trip, p99", samples[(int)(iterations * 0.99)], "ms", "(info)");
    }

    public static IEnumerable<BenchResult> Search(BenchServer server, string store, int runs, int iterations)
    {
        using var ws = server.Open("search");
        var queries = new (string Label, RunQuery Query, double? Target)[]
        {
            ("metric filter + order-by metric desc, 100 rows", new RunQuery { Experiment = "bench", Filter = "metrics.accuracy > 0.9", OrderBy = "metrics.accuracy desc", Max = 100 }, 20),
            ("selective filter + order-by metric, 100 rows", new RunQuery { Experiment = "bench", Filter = "metrics.accuracy > 0.999 and params.lr = '0.01'", OrderBy = "metrics.loss asc", Max = 100 }, 20),
            ("broad 'or' filter, default order, 100 rows", new RunQuery { Experiment = "bench", Filter = "(metrics.accuracy > 0.95 or tags.team LIKE 'b%') and attributes.status = 'Completed'", Max = 100 }, null),
        };
        foreach (var (label, query, target) in queries)
        {
            var count = ws.Runs.QueryRuns(query).Count;
            var median = Measure.MedianMs(iterations, () => ws.Runs.QueryRuns(query));
            yield return new BenchResult($"{store}: search {runs / 1000}k runs, {label} ({count} rows)", median, "ms p50",
                target is { } t ? $"<= {t} ms" : "(info)", target is { } t2 ? median <= t2 : null);
        }
    }

    public static IEnumerable<BenchResult> Writers(BenchServer server, string store, int writers, TimeSpan duration, int batch)
    {
        var latencies = new List<double>[writers];
        var points = new long[writers];
        var clients = Enumerable.Range(0, writers).Select(_ => server.Open("writers")).ToList();
        var runIds = clients.Select(c => c.Runs.CreateRun(new NewRun("bench") { Status = RunStatus.Running }).Id).ToList();
        using var start = new Barrier(writers);
        var threads = Enumerable.Range(0, writers).Select(w => new Thread(() =>
        {
            var mine = latencies[w] = new List<double>(100_000);
            var step = 0L;
            start.SignalAndWait();
            var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < until)
            {
                var now = DateTimeOffset.UtcNow;
                var pts = Enumerable.Range(0, batch).Select(i => new MetricPoint("loss", i, step++, now)).ToList();
                var t = Stopwatch.GetTimestamp();
                clients[w].Runs.LogMetrics(runIds[w], pts);
                mine.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                points[w] += batch;
            }
        }) { IsBackground = true }).ToList();
        var sw = Stopwatch.StartNew();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var seconds = sw.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToList();
        var stored = clients[0].Runs.QueryRuns(new RunQuery { Experiment = "bench", Max = writers }).Sum(r => clients[0].Runs.GetMetrics(r.Id, "loss").Count);
        clients.ForEach(c => c.Dispose());
        yield return new BenchResult($"{store}: {writers} concurrent writers, batches of {batch}, aggregate", points.Sum() / seconds, "points/s", "(info)");
        yield return new BenchResult($"{store}: {writers} concurrent writers, requests", all.Count / seconds, "requests/s", "(info)");
        yield return new BenchResult($"{store}: {writers} concurrent writers, request latency p50", all[all.Count / 2], "ms", "(info)");
        yield return new BenchResult($"{store}: {writers} concurrent writers, request latency p99", all[(int)(all.Count * 0.99)], "ms", "(info)");
        yield return new BenchResult($"{store}: {writers} concurrent writers, points stored = points acknowledged", stored, "points", $"= {points.Sum():N0}", stored == points.Sum());
    }

    /// <summary>Fills the hosted workspace 'search' directly in its store (setup, not measured).</summary>
    public static void SeedSearch(BenchServer server, string? postgres, int runs)
    {
        var folder = Path.Combine(server.Options.ArtifactsDirectory, "search");
        if (postgres is null)
        {
            using var ws = LocalWorkspace.Open(folder);
            Seed.Runs(ws.Database, "bench", runs);
            return;
        }
        var schema = MlPipelines.Server.Store.PostgresWorkspaceHome.SchemaFor("search");
        var cs = new Npgsql.NpgsqlConnectionStringBuilder(postgres) { SearchPath = schema }.ConnectionString;
        using var pg = MlPipelines.Workspace.Postgres.PostgresWorkspace.Open(cs, folder);
        Seed.Runs(pg.Database, "bench", runs);
        if (Environment.GetEnvironmentVariable("MLP_BENCH_EXPLAIN") == "1")
            PgProbe.Explain(pg, new RunQuery { Experiment = "bench", Filter = "metrics.accuracy > 0.999 and params.lr = '0.01'", OrderBy = "metrics.loss asc", Max = 100 });
    }
}
