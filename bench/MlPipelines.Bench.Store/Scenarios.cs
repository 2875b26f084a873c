using MlPipelines.Core.Registry;
using MlPipelines.Core.Runs;
using MlPipelines.Workspace;

namespace MlPipelines.Bench.Store;

internal static class Scenarios
{
    public static IEnumerable<BenchResult> Ingest(string dir, BenchOptions o)
    {
        using var ws = LocalWorkspace.Init(dir);
        foreach (var batch in new[] { 1_000, 10_000 })
        {
            var id = ws.Runs.CreateRun(new NewRun("ingest") { Status = RunStatus.Running }).Id;
            var t = DateTimeOffset.UtcNow;
            var batches = Enumerable.Range(0, o.Points / batch)
                .Select(b => (IReadOnlyList<MetricPoint>)Enumerable.Range(0, batch).Select(i => new MetricPoint(i % 2 == 0 ? "loss" : "accuracy", i * 0.001, b * batch + i, t)).ToList())
                .ToList();
            var ms = Measure.Ms(() => { foreach (var b in batches) ws.Runs.LogMetrics(id, b); }, out var cpu);
            var rate = batches.Count * batch / (ms / 1000);
            yield return new BenchResult($"metric ingest, batches of {batch:N0} ({batches.Count * batch:N0} points)", rate, "pts/s", ">= 250,000", rate >= 250_000, cpu);
        }
    }

    public static IEnumerable<BenchResult> SingleAppend(string dir, BenchOptions o)
    {
        using var ws = LocalWorkspace.Init(dir);
        var id = ws.Runs.CreateRun(new NewRun("single") { Status = RunStatus.Running }).Id;
        var step = 0L;
        var median = Measure.MedianMs(Math.Max(o.Iterations, 2001), () => ws.Runs.LogMetrics(id, [new MetricPoint("m", 1.0, step++, DateTimeOffset.UtcNow)]));
        yield return new BenchResult("one metric point per transaction (store only, median)", median * 1000, "µs", "(info)");
    }

    public static IEnumerable<BenchResult> Query(string dir, BenchOptions o)
    {
        using var ws = LocalWorkspace.Init(dir);
        var seedMs = Measure.Ms(() => Seed.Runs(ws.Database, "bench", o.Runs));
        yield return new BenchResult($"seed {o.Runs:N0} runs (bulk SQL, setup)", seedMs, "ms");
        var queries = new (string Label, RunQuery Query, double? Target)[]
        {
            ("filter metric + order-by metric desc, max 100", new RunQuery { Experiment = "bench", Filter = "metrics.accuracy > 0.9", OrderBy = "metrics.accuracy desc", Max = 100 }, 50),
            ("filter metric + order-by metric desc, max 1000", new RunQuery { Experiment = "bench", Filter = "metrics.accuracy > 0.9", OrderBy = "metrics.accuracy desc", Max = 1000 }, 50),
            ("selective filter (0.1%) + order-by metric, max 100", new RunQuery { Experiment = "bench", Filter = "metrics.accuracy > 0.999 and params.lr = '0.01'", OrderBy = "metrics.loss asc", Max = 100 }, 50),
            ("filter with or/parens/LIKE, default order, max 100", new RunQuery { Experiment = "bench", Filter = "(metrics.accuracy > 0.95 or tags.team LIKE 'b%') and attributes.status = 'Completed'", Max = 100 }, null),
            ("order-by attributes.start_time asc, max 100", new RunQuery { Experiment = "bench", OrderBy = "attributes.start_time asc", Max = 100 }, null),
        };
        foreach (var (label, query, target) in queries)
        {
            var count = ws.Runs.QueryRuns(query).Count;
            var median = Measure.MedianMs(o.Iterations, () => ws.Runs.QueryRuns(query), out var cpu);
            yield return new BenchResult($"run list {o.Runs / 1000}k: {label} ({count} rows)", median, "ms",
                target is { } t ? $"<= {t} ms" : "(info)", target is { } t2 ? median <= t2 : null, cpu);
        }
    }

    public static IEnumerable<BenchResult> Models(string dir, BenchOptions o)
    {
        using var ws = LocalWorkspace.Init(dir);
        var seedMs = Measure.Ms(() => Seed.ModelVersions(ws, o.Versions));
        yield return new BenchResult($"seed {o.Versions:N0} model versions (bulk SQL, setup)", seedMs, "ms");
        var list = Measure.MedianMs(o.Iterations, () => ws.Models.List(), out var listCpu);
        yield return new BenchResult($"model list (latest of {ws.Models.List().Count} models, {o.Versions:N0} versions)", list, "ms", "<= 200 ms", list <= 200, listCpu);
        var versions = Measure.MedianMs(o.Iterations, () => ws.Models.Versions("big"), out var versionsCpu);
        yield return new BenchResult($"model versions of 'big' ({ws.Models.Versions("big").Count:N0} versions, files/tags/metrics)", versions, "ms", "(info)", null, versionsCpu);
        var get = Measure.MedianMs(o.Iterations, () => ws.Models.Get(ModelRef.Parse("big@champion")));
        yield return new BenchResult("model get big@champion", get, "ms", "(info)");
    }

    public static IEnumerable<BenchResult> Reregister(string dir, BenchOptions o)
    {
        var source = Path.Combine(dir, "model");
        var files = Seed.LargeFolder(source, o.SizeMb);
        using var ws = LocalWorkspace.Init(Path.Combine(dir, "ws"));
        var first = Measure.Ms(() => ws.Models.Register(new NewModelVersion { Name = "large", LocalPath = source }));
        yield return new BenchResult($"register {o.SizeMb:N0} MiB folder ({files} files), first time", first, "ms", "(info)");
        var second = Measure.Ms(() => ws.Models.Register(new NewModelVersion { Name = "large", LocalPath = source }), out var cpu);
        yield return new BenchResult($"register the identical {o.SizeMb:N0} MiB folder again", second, "ms", "<= 1000 ms", second <= 1000, cpu);
        var dataset = Measure.Ms(() => ws.Datasets.Register("large", source));
        yield return new BenchResult($"register it as a dataset (index warm, content stored)", dataset, "ms", "(info)");
    }
}
