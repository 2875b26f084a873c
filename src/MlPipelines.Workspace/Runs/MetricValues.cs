namespace MlPipelines.Workspace.Runs;

/// <summary>
/// SQLite REAL cannot hold NaN (it becomes NULL), so a metric value is stored as a REAL plus a 'special' flag:
/// 0 finite, 1 NaN (REAL is NULL), 2 +Infinity, 3 -Infinity (REAL holds the infinity so comparisons still work).
/// </summary>
internal static class MetricValues
{
    public static (object Value, long Special) Encode(double v) =>
        double.IsNaN(v) ? (DBNull.Value, 1L)
        : double.IsPositiveInfinity(v) ? (double.PositiveInfinity, 2L)
        : double.IsNegativeInfinity(v) ? (double.NegativeInfinity, 3L)
        : (v, 0L);

    public static double Decode(object? value, long special) => special switch
    {
        1 => double.NaN,
        2 => double.PositiveInfinity,
        3 => double.NegativeInfinity,
        _ => value is null or DBNull ? double.NaN : Convert.ToDouble(value),
    };
}
