namespace MlPipelines.Endpoints.Routing;

/// <summary>
/// Lock-free latency histogram with geometric buckets (25 µs × 1.2^i, up to minutes). Counts are cumulative;
/// callers compute percentiles of a window by subtracting two snapshots (<see cref="Percentile(long[], double)"/>).
/// </summary>
internal sealed class LatencyHistogram
{
    public const int BucketCount = 80;
    public static readonly double[] UpperBoundsMs = BuildBounds();

    private readonly long[] _counts = new long[BucketCount];

    public void Record(double ms) => Interlocked.Increment(ref _counts[BucketOf(ms)]);

    public long[] Snapshot()
    {
        var copy = new long[BucketCount];
        for (var i = 0; i < BucketCount; i++) copy[i] = Volatile.Read(ref _counts[i]);
        return copy;
    }

    public static int BucketOf(double ms)
    {
        if (ms <= UpperBoundsMs[0]) return 0;
        var i = (int)Math.Ceiling(Math.Log(ms / 0.025) / Math.Log(1.2));
        return Math.Clamp(i, 0, BucketCount - 1);
    }

    /// <summary>The upper bound (ms) of the bucket holding the given quantile, or 0 for an empty histogram.</summary>
    public static double Percentile(long[] counts, double quantile)
    {
        long total = 0;
        foreach (var c in counts) total += c;
        if (total == 0) return 0;
        var rank = (long)Math.Ceiling(total * quantile);
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank) return UpperBoundsMs[i];
        }
        return UpperBoundsMs[^1];
    }

    private static double[] BuildBounds()
    {
        var b = new double[BucketCount];
        for (var i = 0; i < BucketCount; i++) b[i] = 0.025 * Math.Pow(1.2, i);
        return b;
    }
}
