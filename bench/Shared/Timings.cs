using System.Diagnostics;

namespace MlPipelines.Bench;

/// <summary>Repeated timings of one operation (after a warm-up), and running a command-line tool that must succeed.</summary>
internal static class Timings
{
    /// <summary>Median and p90 in milliseconds of <paramref name="runs"/> calls of <paramref name="once"/>.</summary>
    public static async Task<(double Median, double P90)> MeasureAsync(int runs, Func<Task> once)
    {
        await once(); // warm-up
        var xs = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            await once();
            xs.Add(sw.Elapsed.TotalMilliseconds);
        }
        xs.Sort();
        return (xs[xs.Count / 2], xs[(int)Math.Ceiling(xs.Count * 0.9) - 1]);
    }

    /// <summary>Runs <paramref name="program"/>; throws with its error output when it exits non-zero.</summary>
    public static async Task RunToolAsync(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = await p.StandardError.ReadToEndAsync();
        await stdout;
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {p.ExitCode}: {stderr.Trim()}");
    }
}
