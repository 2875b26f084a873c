using System.Diagnostics;
using System.Globalization;
using MlPipelines.Bench.Runner;
using MlPipelines.Core.Caching;
using MlPipelines.Core.Runs;
using MlPipelines.Pipelines.Compiler;
using MlPipelines.Runner;
using MlPipelines.Workspace;

// Runner overhead benchmarks (issue 3). Prints one line per figure with its target.
// Figures depend on the machine being otherwise idle (2 cores): check the load average before trusting them.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var root = Directory.CreateTempSubdirectory("mlp-bench-runner-").FullName;
try
{
    if (args is ["step-metrics"])
    {
        await StepMetricsBench.RunAsync(root);
        return;
    }
    using var ws = LocalWorkspace.Init(root);
    PipelineRunOptions Options() => new() { Workspace = ws, BaseDirectory = root, SourceHash = "bench" };

    // Warm-up (JIT, SQLite) on a separate pipeline name so the measured runs start cold in the cache.
    await PipelineRunner.RunAsync(PipelineCompiler.Compile(new GraphPipeline(1, "warmup")), Options());

    var big = PipelineCompiler.Compile(new GraphPipeline(10, "graph-1000"));
    var sw = Stopwatch.StartNew();
    var r1 = await PipelineRunner.RunAsync(big, Options());
    Report("1,000 no-op code steps (chains + fan-out/fan-in), first run", sw.Elapsed.TotalSeconds, "s", "<= 2 s", sw.Elapsed.TotalSeconds <= 2, r1);

    // The workspace floor: the records every executed step needs (cache lookup, child run, cache entry, final status).
    var floorParent = ws.Runs.CreateRun(new NewRun("floor", "floor", null, "pipeline") { Status = RunStatus.Running }).Id;
    sw.Restart();
    for (var i = 0; i < 1000; i++)
    {
        ws.Cache.Find("floor-" + i);
        var child = ws.Runs.CreateRun(new NewRun("floor", "s" + i, floorParent, "step")
        {
            Status = RunStatus.Running,
            Tags = new Dictionary<string, string> { ["mlp.step"] = "s" + i, ["mlp.pipeline"] = "floor", ["mlp.kind"] = "code", ["mlp.cache_key"] = "k" },
        }).Id;
        ws.Cache.Put(new CacheEntry("floor-" + i, "floor", "s" + i, child, new Dictionary<string, string> { ["code"] = "x" }, DateTimeOffset.UtcNow));
        ws.Runs.SetStatus(child, RunStatus.Completed);
    }
    Console.WriteLine($"  (workspace floor for the same records, without the runner: {sw.Elapsed.TotalSeconds:0.###} s)");

    var small = PipelineCompiler.Compile(new GraphPipeline(1, "graph-100"));
    await PipelineRunner.RunAsync(small, Options());
    sw.Restart();
    var r2 = await PipelineRunner.RunAsync(small, Options());
    var reused = r2.Steps.Count(s => s.ReusedFrom is not null);
    Report($"fully cached rerun of 100 steps ({reused} reused)", sw.Elapsed.TotalSeconds, "s", "<= 1 s", sw.Elapsed.TotalSeconds <= 1 && reused == 100, r2);

    var dataDir = Path.Combine(root, "data");
    Directory.CreateDirectory(dataDir);
    var file = Path.Combine(dataDir, "big.bin");
    const long size = 1L << 30;
    using (var fs = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
    {
        var buffer = new byte[1 << 20];
        new Random(42).NextBytes(buffer);
        for (long written = 0; written < size; written += buffer.Length) fs.Write(buffer);
        fs.Flush(flushToDisk: true); // measure hashing, not the write-back of dirty pages
    }
    sw.Restart();
    var h1 = SourceHasher.Hash(ws.FileHashes, dataDir);
    var gbps = size / sw.Elapsed.TotalSeconds / 1e9;
    Report("hashing a new 1 GiB input", gbps, "GB/s", ">= 1 GB/s", gbps >= 1, null);
    sw.Restart();
    var h2 = SourceHasher.Hash(ws.FileHashes, dataDir);
    var ms = sw.Elapsed.TotalMilliseconds;
    Report("unchanged 1 GiB input on rerun", ms, "ms", "<= 10 ms", ms <= 10 && h1 == h2, null);
    await StepMetricsBench.RunAsync(root);
}
finally
{
    Directory.Delete(root, recursive: true);
}

static void Report(string what, double value, string unit, string target, bool ok, PipelineRunResult? run)
{
    var status = run is null ? "" : $" [{run.Status}, {run.Steps.Count} steps]";
    Console.WriteLine($"{what}: {value:0.###} {unit} (target {target}) {(ok ? "OK" : "MISSED")}{status}");
}
