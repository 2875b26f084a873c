using MlPipelines.Core.Runs;

namespace MlPipelines.Core.Recording;

/// <summary>What a recorder has taken and not yet written; swapped out whole by the writer.</summary>
internal sealed class PendingRecords
{
    public List<LogLine> Lines { get; } = [];
    public List<MetricPoint> Metrics { get; } = [];
    public Dictionary<string, string> Params { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);
    public List<RunTable> Tables { get; } = [];
    public List<RunImage> Images { get; } = [];

    /// <summary>Records held (what the batch size counts).</summary>
    public int Count => Lines.Count + Metrics.Count + Params.Count + Tags.Count + Tables.Count + Images.Count;
}
