namespace MlPipelines.Core.Recording;

/// <summary>
/// The state of one metric in a recorder: the one step rule (a point without a step gets the step after the last one
/// logged for that metric, starting at 0) and the latest value. Not thread-safe; the recorder locks.
/// </summary>
internal sealed class MetricSeries(string name)
{
    private long _next;

    /// <summary>The metric name (one string per metric, reused by every point).</summary>
    public string Name { get; } = name;

    /// <summary>The value of the point logged last.</summary>
    public double Latest { get; private set; }

    /// <summary>Takes a point: returns its step (<paramref name="step"/>, or the next one) and remembers it as the last.</summary>
    public long Take(double value, long? step)
    {
        var s = step ?? _next;
        _next = s + 1;
        Latest = value;
        return s;
    }
}
