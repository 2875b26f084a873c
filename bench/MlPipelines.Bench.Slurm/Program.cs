using System.Diagnostics;
using System.Globalization;
using MlPipelines.Bench;
using MlPipelines.Compute;
using MlPipelines.Compute.Slurm;

// Targets (issue 14): the Slurm target's overhead per job over Slurm's own submit-to-finish time (`sbatch --wait` of
// the same no-op), and a 100-trial sweep submitted as one job array against 100 separate submissions (ratio).
//   dotnet run -c Release --project bench/MlPipelines.Bench.Slurm [-- --runs N] [--trials N] [--poll-ms N] [--staging DIR]
var runs = Arg("--runs") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 10;
var trials = Arg("--trials") is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : 100;
var pollMs = Arg("--poll-ms") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : 250;
var staging = Arg("--staging") ?? (Environment.GetEnvironmentVariable("MLP_TEST_SLURM_SHARED") is { Length: > 0 } s ? s : "/tmp/mlp-slurm/shared");
if (!Directory.Exists(staging)) { Console.WriteLine($"slurm benchmark skipped: staging folder '{staging}' does not exist (start Slurm with `bash .ci/services/slurm.sh start`)"); return 0; }

var work = Directory.CreateDirectory(Path.Combine(staging, "bench-" + Guid.NewGuid().ToString("N")[..8])).FullName; // under the staging folder: runs in place, nothing copied
try
{
    var target = new SlurmTarget(new SlurmOptions("bench", staging) { PollInterval = TimeSpan.FromMilliseconds(pollMs), LogPollInterval = TimeSpan.FromMilliseconds(50) });
    ComputeJob NoOp(string name) => new("true", []) { WorkingDirectory = work, Name = name, Resources = new ComputeResources(Cpus: 1, MemoryMb: 50) };

    var native = await Timings.MeasureAsync(runs, () => Timings.RunToolAsync("sbatch", "--wait", "--parsable", "-c", "1", "--mem=50", "-o", "/dev/null", "-J", "bench-native", "--wrap", "true"));
    var viaTarget = await Timings.MeasureAsync(runs, async () =>
    {
        var result = await target.RunAsync(NoOp("bench-target"), ComputeObserver.None, CancellationToken.None);
        if (!result.Succeeded) throw new InvalidOperationException($"the no-op job failed: {result.Reason()}");
    });
    Console.WriteLine($"sbatch --wait --wrap true (Slurm's own submit-to-finish): median {native.Median:0} ms (p90 {native.P90:0} ms, {runs} runs)");
    Console.WriteLine($"SlurmTarget no-op job (poll {pollMs} ms): median {viaTarget.Median:0} ms (p90 {viaTarget.P90:0} ms) → overhead {viaTarget.Median - native.Median:0} ms per job");

    var jobs = Enumerable.Range(0, trials).Select(i => NoOp("bench-sweep")).ToList();
    var observers = jobs.Select(_ => ComputeObserver.None).ToList();
    var tokens = jobs.Select(_ => CancellationToken.None).ToList();
    var sw = Stopwatch.StartNew();
    var array = await target.RunArrayAsync(jobs, trials, observers, tokens, CancellationToken.None);
    var arrayMs = sw.Elapsed.TotalMilliseconds;
    sw.Restart();
    var separate = await ComputeArrays.RunEachAsync(target, jobs, trials, observers, tokens, CancellationToken.None);
    var separateMs = sw.Elapsed.TotalMilliseconds;
    if (array.Concat(separate).Any(x => !x.Succeeded)) throw new InvalidOperationException("a no-op trial failed");
    Console.WriteLine($"{trials}-trial sweep as one job array: {arrayMs / 1000:0.0} s (1 sbatch); as {trials} separate submissions: {separateMs / 1000:0.0} s ({trials} sbatch) → separate/array = {separateMs / arrayMs:0.00}");
    Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, {Environment.ProcessorCount} cores");
    return 0;
}
finally
{
    Directory.Delete(work, recursive: true);
}

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
