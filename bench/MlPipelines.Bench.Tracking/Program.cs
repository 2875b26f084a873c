using System.Diagnostics;
using MlPipelines.Tracking;
using MlPipelines.Workspace;

// Targets (issue 2): single metric append from the C# client ≤ 50 µs median;
// `mlp run submit -- true` adds ≤ 300 ms over the process itself.
var root = Directory.CreateTempSubdirectory("mlp-bench-tracking-").FullName;
try
{
    ClientAppend(root);
    SubmitOverhead(root);
}
finally
{
    Directory.Delete(root, recursive: true);
}

static void ClientAppend(string root)
{
    using var ws = LocalWorkspace.Init(root);
    using var run = MlpRun.StartIn(ws, "bench");
    const int n = 200_000;
    var samples = new double[n];
    for (var i = 0; i < n; i++)
    {
        var t0 = Stopwatch.GetTimestamp();
        run.LogMetric("loss", i * 0.5);
        samples[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
    }
    var flush = Stopwatch.StartNew();
    run.Flush();
    Array.Sort(samples);
    Console.WriteLine($"client LogMetric ({n:N0} calls): median {samples[n / 2]:0.00} µs, p99 {samples[(int)(n * 0.99)]:0.00} µs, " +
                      $"max {samples[^1]:0} µs; final flush {flush.Elapsed.TotalMilliseconds:0} ms (target: median ≤ 50 µs)");
}

static void SubmitOverhead(string root)
{
    var mlp = Path.Combine(AppContext.BaseDirectory, "mlp.dll");
    if (!File.Exists(mlp))
    {
        var config = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
        mlp = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/MlPipelines.Cli/bin", config, "net10.0/mlp.dll"));
    }
    var bare = Median(() => Time("true", []), 10);
    var version = Median(() => Time("dotnet", [mlp, "--version"]), 10);
    var submit = Median(() => Time("dotnet", [mlp, "--workspace", root, "run", "submit", "-e", "bench", "--", "true"]), 10);
    Console.WriteLine($"run submit -- true: median {submit:0} ms; 'true' alone {bare:0} ms → overhead {submit - bare:0} ms " +
                      $"(of which .NET start of mlp itself, 'mlp --version': {version:0} ms) (target: ≤ 300 ms)");
}

static double Median(Func<double> measure, int runs)
{
    measure(); // warm-up
    var xs = Enumerable.Range(0, runs).Select(_ => measure()).Order().ToList();
    return xs[runs / 2];
}

static double Time(string file, string[] args)
{
    var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in args) psi.ArgumentList.Add(a);
    var sw = Stopwatch.StartNew();
    using var p = Process.Start(psi)!;
    p.StandardOutput.ReadToEnd();
    p.StandardError.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}");
    return sw.Elapsed.TotalMilliseconds;
}
