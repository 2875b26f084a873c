using System.Globalization;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;
using MlPipelines.Runner.Execution;
using MlPipelines.Runner.Progress;

namespace MlPipelines.Runner.Logging;

/// <summary>
/// Buffers a step's log lines and the metrics/params/tags its <c>##mlp</c> lines report, and writes them to the step's
/// run in batches (<see cref="Flush"/> is called periodically and at the end). Lines also go to the progress display.
/// </summary>
internal sealed class StepLog(IWorkspace workspace, string runId, string stepName, IRunProgress progress, IProtocolParser parser) : IStepLog
{
    private readonly object _gate = new();
    private readonly object _flushGate = new();
    private List<LogLine> _lines = [];
    private List<MetricPoint> _metrics = [];
    private Dictionary<string, string> _params = new(StringComparer.Ordinal);
    private Dictionary<string, string> _tags = new(StringComparer.Ordinal);
    private long _sequence;
    private long _metricStep;

    public void Write(LogStream stream, string text)
    {
        var now = DateTimeOffset.UtcNow;
        lock (_gate) _lines.Add(new LogLine(_sequence++, stream, now, text));
        progress.Output(stepName, stream, text);
        if (stream == LogStream.Stdout && parser.TryParse(text) is { } parsed)
        {
            var warning = parsed.Error ?? Apply(parsed.Line!, now);
            if (warning is not null) Info("warning: " + warning);
        }
    }

    public void Info(string text) => Write(LogStream.System, text);

    private string? Apply(ProtocolLine line, DateTimeOffset now)
    {
        var name = line.Attributes.GetValueOrDefault("name");
        if (line.Kind is "metric" or "param" or "tag" && string.IsNullOrEmpty(name)) return $"##mlp[{line.Kind}] needs name=…";
        lock (_gate)
        {
            switch (line.Kind)
            {
                case "metric":
                    if (!ProtocolParser.TryParseNumber(line.Payload, out var v)) return $"metric '{name}' value '{line.Payload}' is not a number";
                    var step = line.Attributes.TryGetValue("step", out var s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var st) ? st : _metricStep++;
                    _metrics.Add(new MetricPoint(name!, v, step, now));
                    return null;
                case "param": _params[name!] = line.Payload; return null;
                case "tag": _tags[name!] = line.Payload; return null;
                default: return null; // outputs are collected from the output folder; other kinds are handled by the tracking protocol reader
            }
        }
    }

    /// <summary>Writes buffered lines and data to the run. Errors are reported once in the console, never thrown.</summary>
    public void Flush()
    {
        lock (_flushGate)
        {
            List<LogLine> lines; List<MetricPoint> metrics; Dictionary<string, string> ps, tags;
            lock (_gate)
            {
                if (_lines.Count == 0 && _metrics.Count == 0 && _params.Count == 0 && _tags.Count == 0) return;
                (lines, _lines) = (_lines, []);
                (metrics, _metrics) = (_metrics, []);
                (ps, _params) = (_params, new(StringComparer.Ordinal));
                (tags, _tags) = (_tags, new(StringComparer.Ordinal));
            }
            try
            {
                if (lines.Count > 0) workspace.Runs.AppendLogs(runId, lines);
                if (metrics.Count > 0) workspace.Runs.LogMetrics(runId, metrics);
                if (ps.Count > 0) workspace.Runs.LogParams(runId, ps);
                if (tags.Count > 0) workspace.Runs.SetTags(runId, tags);
            }
            catch (Core.Errors.MlpException e)
            {
                progress.Output(stepName, LogStream.System, "warning: could not record log data: " + e.Message);
            }
        }
    }
}
