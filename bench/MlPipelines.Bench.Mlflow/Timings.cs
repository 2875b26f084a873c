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
