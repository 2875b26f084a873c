using System.Diagnostics;
using System.Text.Json;
using MlPipelines.Bench.Server;
using MlPipelines.Bench.Store;
using MlPipelines.Workspace;

namespace MlPipelines.Bench.Mlflow;

/// <summary>One row of the table: a server-time figure (or a rate), the client-observed one beside it, and the target.</summary>
internal sealed record BenchResult(string Name, double Value, string Unit, double? RoundTrip = null, string? Target = null, bool? Ok = null);

/// <summary>The measured scenarios; every call is an MLflow REST call over HTTPS to the in-process server.</summary>
internal static class Scenarios
{
    public static async Task<string> CreateRunAsync(MlflowBenchClient client, string name) =>
        (await client.PostJsonAsync("runs/create", new { experiment_id = "0", run_name = name, start_time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }))
        .GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;

    /// <summary>log-batch of <paramref name="batch"/> metrics into one run, one client, <paramref name="iterations"/> calls after a warm-up.</summary>
    public static async Task<IEnumerable<BenchResult>> LogBatchAsync(BenchServer server, string store, int iterations, int batch)
    {
        using var client = new MlflowBenchClient(server, "logging");
        var run = await CreateRunAsync(client, "log-batch");
        const int warmup = 30;
        var bodies = Enumerable.Range(0, warmup + iterations).Select(i => MetricBodies.LogBatch(run, "loss", (long)i * batch, batch)).ToList();
        var times = new List<CallTime>(iterations);
        for (var i = 0; i < warmup; i++) await client.PostAsync("runs/log-batch", bodies[i]);
        var cpu = ProcessCpu.Start();
        for (var i = warmup; i < bodies.Count; i++) times.Add((await client.PostAsync("runs/log-batch", bodies[i])).Time);
        var cpuPerCall = cpu.MsPer(iterations);
        var p50 = Timings.Percentile(times.Select(t => t.ServerMs), 0.5);
        return
        [
            new($"{store}: log-batch of {batch:N0} metrics, server time p50 of {iterations}", p50, "ms", Timings.Percentile(times.Select(t => t.RoundTripMs), 0.5), "<= 2 ms", p50 <= 2),
            new($"{store}: log-batch of {batch:N0} metrics, server time p99", Timings.Percentile(times.Select(t => t.ServerMs), 0.99), "ms", Timings.Percentile(times.Select(t => t.RoundTripMs), 0.99), "(info)"),
            new($"{store}: log-batch of {batch:N0} metrics, CPU per call (client + server, this process)", cpuPerCall, "ms", null, "(info)"),
        ];
    }

    /// <summary><paramref name="clients"/> clients, each on its own connection and run, sending log-batch calls back to back.</summary>
    public static async Task<IEnumerable<BenchResult>> WritersAsync(BenchServer server, string store, int clients, int batch, TimeSpan duration)
    {
        var pool = Enumerable.Range(0, clients).Select(_ => new MlflowBenchClient(server, "writers")).ToList();
        var runs = new List<string>();
        foreach (var c in pool) runs.Add(await CreateRunAsync(c, "writer"));
        var sent = new long[clients];
        var times = new List<CallTime>[clients];
        foreach (var (c, i) in pool.Select((c, i) => (c, i))) await c.PostAsync("runs/log-batch", MetricBodies.LogBatch(runs[i], "warmup", 0, batch));
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var cpu = ProcessCpu.Start();
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(w => Task.Run(async () =>
        {
            var mine = times[w] = new List<CallTime>(10_000);
            while (Stopwatch.GetTimestamp() < until)
            {
                var (time, _) = await pool[w].PostAsync("runs/log-batch", MetricBodies.LogBatch(runs[w], "loss", sent[w], batch));
                mine.Add(time);
                sent[w] += batch;
            }
        })));
        var seconds = sw.Elapsed.TotalSeconds;
        var cpuPerCall = cpu.MsPer(times.Sum(t => t.Count));
        pool.ForEach(c => c.Dispose());
        using var ws = server.Open("writers");
        var stored = runs.Sum(r => (long)ws.Runs.GetMetrics(r, "loss").Count);
        var rate = sent.Sum() / seconds;
        var all = times.SelectMany(t => t).ToList();
        return
        [
            new($"{store}: {clients} concurrent clients, log-batch of {batch:N0}, aggregate", rate, "metrics/s", null, ">= 200,000", rate >= 200_000),
            new($"{store}: {clients} concurrent clients, log-batch latency p50", Timings.Percentile(all.Select(t => t.ServerMs), 0.5), "ms", Timings.Percentile(all.Select(t => t.RoundTripMs), 0.5), "(info)"),
            new($"{store}: {clients} concurrent clients, CPU per log-batch call (client + server, this process)", cpuPerCall, "ms", null, "(info)"),
            new($"{store}: {clients} concurrent clients, metrics stored = metrics acknowledged", stored, "metrics", null, $"= {sent.Sum():N0}", stored == sent.Sum()),
        ];
    }

    /// <summary>runs/search over <paramref name="runs"/> seeded runs of experiment 'bench'.</summary>
    public static async Task<IEnumerable<BenchResult>> SearchAsync(BenchServer server, string store, string? postgres, int runs, int iterations)
    {
        SeedSearch(server, postgres, runs);
        using var client = new MlflowBenchClient(server, "search");
        var experiment = (await client.GetAsync("experiments/get-by-name?experiment_name=bench")).Body;
        var id = JsonDocument.Parse(experiment).RootElement.GetProperty("experiment").GetProperty("experiment_id").GetString()!;
        var queries = new (string Label, object Body, double? Target)[]
        {
            ("'metrics.accuracy > 0.9' order by metrics.accuracy DESC, max_results 100",
                new { experiment_ids = new[] { id }, filter = "metrics.accuracy > 0.9", order_by = new[] { "metrics.accuracy DESC" }, max_results = 100 }, 10),
            ("the same, max_results 1000 (MLflow's default)",
                new { experiment_ids = new[] { id }, filter = "metrics.accuracy > 0.9", order_by = new[] { "metrics.accuracy DESC" }, max_results = 1000 }, null),
            ("'metrics.accuracy > 0.99 and params.lr = \"0.01\"' order by metrics.loss, max_results 100",
                new { experiment_ids = new[] { id }, filter = "metrics.accuracy > 0.99 and params.lr = '0.01'", order_by = new[] { "metrics.loss ASC" }, max_results = 100 }, null),
        };
        var results = new List<BenchResult>();
        foreach (var (label, body, target) in queries)
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(body);
            var rows = JsonDocument.Parse((await client.PostAsync("runs/search", json)).Body).RootElement.GetProperty("runs").GetArrayLength();
            for (var i = 0; i < 10; i++) await client.PostAsync("runs/search", json);
            var times = new List<CallTime>(iterations);
            var cpu = ProcessCpu.Start();
            for (var i = 0; i < iterations; i++) times.Add((await client.PostAsync("runs/search", json)).Time);
            var cpuPerCall = cpu.MsPer(iterations);
            var p50 = Timings.Percentile(times.Select(t => t.ServerMs), 0.5);
            results.Add(new($"{store}: runs/search {runs / 1000}k runs, {label} ({rows} runs), p50", p50, "ms",
                Timings.Percentile(times.Select(t => t.RoundTripMs), 0.5), target is { } t ? $"<= {t} ms" : "(info)", target is { } t2 ? p50 <= t2 : null));
            results.Add(new($"{store}: the same, CPU per call (client + server, this process)", cpuPerCall, "ms", null, "(info)"));
        }
        return results;
    }

    /// <summary>metrics/get-history of a <paramref name="points"/>-point metric, and get-history-bulk-interval over 10 such runs.</summary>
    public static async Task<IEnumerable<BenchResult>> HistoryAsync(BenchServer server, string store, int points, int iterations)
    {
        using var client = new MlflowBenchClient(server, "history");
        var runs = new List<string>();
        for (var r = 0; r < 10; r++)
        {
            var run = await CreateRunAsync(client, "history");
            for (var s = 0; s < points; s += 1000) await client.PostAsync("runs/log-batch", MetricBodies.LogBatch(run, "loss", s, Math.Min(1000, points - s)));
            runs.Add(run);
        }
        var calls = new (string Label, string Query, double? Target)[]
        {
            ($"metrics/get-history, {points:N0} points", $"metrics/get-history?run_id={runs[0]}&metric_key=loss", 2),
            ($"metrics/get-history-bulk-interval, 10 runs x {points:N0} points, max_results 320",
                "metrics/get-history-bulk-interval?" + string.Join("&", runs.Select(r => "run_ids=" + r)) + "&metric_key=loss&max_results=320", null),
        };
        var results = new List<BenchResult>();
        foreach (var (label, query, target) in calls)
        {
            var count = JsonDocument.Parse((await client.GetAsync(query)).Body).RootElement.GetProperty("metrics").GetArrayLength();
            for (var i = 0; i < 20; i++) await client.GetAsync(query);
            var times = new List<CallTime>(iterations);
            var cpu = ProcessCpu.Start();
            for (var i = 0; i < iterations; i++) times.Add((await client.GetAsync(query)).Time);
            var cpuPerCall = cpu.MsPer(iterations);
            var p50 = Timings.Percentile(times.Select(t => t.ServerMs), 0.5);
            results.Add(new($"{store}: {label} ({count:N0} returned), p50", p50, "ms", Timings.Percentile(times.Select(t => t.RoundTripMs), 0.5),
                target is { } t ? $"<= {t} ms" : "(info)", target is { } t2 ? p50 <= t2 : null));
            results.Add(new($"{store}: the same, CPU per call (client + server, this process)", cpuPerCall, "ms", null, "(info)"));
        }
        return results;
    }

    // Fills the hosted workspace 'search' directly in its store (setup, not measured).
    private static void SeedSearch(BenchServer server, string? postgres, int runs)
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
    }
}
