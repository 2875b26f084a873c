using MlPipelines.Core.Protocol;
using MlPipelines.Core.Runs;
using MlPipelines.Runner.Execution;

namespace MlPipelines.Executors;

/// <summary>Forwards a step's log and keeps the latest value of every metric its <c>##mlp[metric …]</c> lines report.</summary>
internal sealed class MetricCapturingLog(IStepLog inner) : IStepLog
{
    private readonly Dictionary<string, double> _metrics = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, double> Metrics
    {
        get { lock (_metrics) return new Dictionary<string, double>(_metrics, StringComparer.Ordinal); }
    }

    public void Write(LogStream stream, string text)
    {
        inner.Write(stream, text);
        if (stream == LogStream.Stdout && MlpLineParser.IsProtocolLine(text) && MlpLineParser.Parse(text)?.Command is MetricCommand m)
            lock (_metrics) _metrics[m.Name] = m.Value;
    }

    public void Info(string text) => inner.Info(text);
}
