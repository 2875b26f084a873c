namespace MlPipelines.Mlflow.Tracking;

/// <summary>
/// The steps <c>metrics/get-history-bulk-interval</c> answers with, by MLflow's rule: over the union of the steps the
/// runs logged, within <c>[start, end]</c> (default: 0 to the highest step), at most <c>max</c> steps evenly spaced by
/// index, plus the interval's last step and every run's own first and last step that fall in the interval.
/// </summary>
public static class MetricSampling
{
    /// <summary>The sampled steps, ascending.</summary>
    /// <param name="runSteps">The steps each run logged (any order, repeats allowed).</param>
    /// <param name="start">First step of the interval, or null (with <paramref name="end"/> null) for 0.</param>
    /// <param name="end">Last step of the interval, or null for the highest step logged.</param>
    /// <param name="max">How many evenly spaced steps to take when the interval holds more.</param>
    public static IReadOnlyList<long> Steps(IEnumerable<IEnumerable<long>> runSteps, long? start, long? end, int max)
    {
        var all = new SortedSet<long>();
        var edges = new HashSet<long>();
        foreach (var steps in runSteps)
        {
            long? lo = null, hi = null;
            foreach (var s in steps)
            {
                all.Add(s);
                if (lo is null || s < lo) lo = s;
                if (hi is null || s > hi) hi = s;
            }
            if (lo is { } l) { edges.Add(l); edges.Add(hi!.Value); }
        }
        var from = start ?? 0;
        var to = end ?? (all.Count == 0 ? 0 : all.Max);
        var inRange = all.GetViewBetween(from, Math.Max(from, to)).ToList();
        if (to < from) inRange.Clear();
        var picked = new SortedSet<long>(edges.Where(s => s >= from && s <= to));
        if (inRange.Count <= max) picked.UnionWith(inRange);
        else
        {
            var interval = (double)inRange.Count / max;
            for (var i = 0; i < max; i++) picked.Add(inRange[(int)(i * interval)]);
            picked.Add(inRange[^1]);
        }
        return [.. picked];
    }
}
