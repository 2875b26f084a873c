namespace MlPipelines.Bench.Mlflow;

/// <summary>Percentiles of measured calls.</summary>
internal static class Timings
{
    /// <summary>The value at quantile <paramref name="q"/> (0.5 = median) of <paramref name="values"/>.</summary>
    public static double Percentile(IEnumerable<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * q))];
    }
}

/// <summary>
/// The CPU this process spent since <see cref="Start"/> (all threads: client, server, GC). On a shared machine the wall
/// time of a call includes waiting for a core; its CPU time does not.
/// </summary>
internal readonly struct ProcessCpu
{
    private readonly TimeSpan _start;

    private ProcessCpu(TimeSpan start) => _start = start;

    public static ProcessCpu Start() => new(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime);

    /// <summary>Milliseconds of CPU per call over <paramref name="calls"/> calls.</summary>
    public double MsPer(long calls) => (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - _start).TotalMilliseconds / Math.Max(1, calls);
}
