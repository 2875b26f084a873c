using System.Diagnostics;

namespace MlPipelines.Bench.Store;

internal static class Measure
{
    /// <summary>Runs <paramref name="action"/> once to warm up, then <paramref name="iterations"/> times; returns the median in ms.</summary>
    public static double MedianMs(int iterations, Action action) => MedianMs(iterations, action, out _);

    /// <summary>As <see cref="MedianMs(int, Action)"/>; also the process CPU time per iteration (the machine is shared, so wall time can include waiting).</summary>
    public static double MedianMs(int iterations, Action action, out double cpuMsPerIteration)
    {
        action();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var times = new List<double>();
        for (var i = 0; i < iterations; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        cpuMsPerIteration = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / iterations;
        times.Sort();
        return times[times.Count / 2];
    }

    public static double Ms(Action action) => Ms(action, out _);

    public static double Ms(Action action, out double cpuMs)
    {
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        action();
        cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds;
        return sw.Elapsed.TotalMilliseconds;
    }
}
