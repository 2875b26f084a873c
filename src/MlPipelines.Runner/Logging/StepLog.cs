using MlPipelines.Core.Errors;
using MlPipelines.Core.Files;
using MlPipelines.Core.Naming;
using MlPipelines.Core.Protocol;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;
using MlPipelines.Runner.Execution;
using MlPipelines.Runner.Progress;

namespace MlPipelines.Runner.Logging;

/// <summary>
/// Buffers a step's log lines and what its <c>##mlp</c> lines report (metrics, params, tags, tables, images), and
/// writes them to the step's run in batches (<see cref="Flush"/> is called periodically and at the end). Lines also go
/// to the progress display. A malformed protocol line is kept in the log with a warning, never fatal.
/// </summary>
internal sealed class StepLog(IWorkspace workspace, string runId, string stepName, string outputDirectory, IRunProgress progress) : IStepLog
{
    private readonly object _gate = new();
    private readonly object _flushGate = new();
    private readonly MlpProtocolReader _protocol = new();
    private List<LogLine> _lines = [];
    private List<MetricPoint> _metrics = [];
    private Dictionary<string, string> _params = new(StringComparer.Ordinal);
    private Dictionary<string, string> _tags = new(StringComparer.Ordinal);
    private List<(MlpCommand Command, DateTimeOffset At)> _artifacts = [];
    private long _sequence;

    public void Write(LogStream stream, string text)
    {
        var now = DateTimeOffset.UtcNow;
        lock (_gate) _lines.Add(new LogLine(_sequence++, stream, now, text));
        progress.Output(stepName, stream, text);
        if (stream != LogStream.Stdout) return;
        MlpLineResult? result;
        lock (_gate) result = _protocol.Read(text);
        if (result is null) return;
        if (result.Warning is not null) { Info("warning: " + result.Warning); return; }
        lock (_gate)
        {
            switch (result.Command)
            {
                case MetricCommand m: _metrics.Add(new MetricPoint(m.Name, m.Value, m.Step ?? 0, now)); break;
                case ParamCommand p: _params[p.Name] = p.Value; break;
                case TagCommand t: _tags[t.Name] = t.Value; break;
                case TableCommand or ImageCommand: _artifacts.Add((result.Command, now)); break;
                // Outputs are collected from the step's output folder.
            }
        }
    }

    public void Info(string text) => Write(LogStream.System, text);

    /// <summary>Writes buffered lines and data to the run. Errors are reported in the console, never thrown.</summary>
    public void Flush()
    {
        lock (_flushGate)
        {
            List<LogLine> lines; List<MetricPoint> metrics; Dictionary<string, string> ps, tags; List<(MlpCommand, DateTimeOffset)> artifacts;
            lock (_gate)
            {
                if (_lines.Count == 0 && _metrics.Count == 0 && _params.Count == 0 && _tags.Count == 0 && _artifacts.Count == 0) return;
                (lines, _lines) = (_lines, []);
                (metrics, _metrics) = (_metrics, []);
                (ps, _params) = (_params, new(StringComparer.Ordinal));
                (tags, _tags) = (_tags, new(StringComparer.Ordinal));
                (artifacts, _artifacts) = (_artifacts, []);
            }
            Try(() => { if (metrics.Count > 0) workspace.Runs.LogMetrics(runId, metrics); });
            Try(() => { if (ps.Count > 0) workspace.Runs.LogParams(runId, ps); });
            Try(() => { if (tags.Count > 0) workspace.Runs.SetTags(runId, tags); });
            foreach (var (command, at) in artifacts) Try(() => Record(command, at));
            Try(() => { if (lines.Count > 0) workspace.Runs.AppendLogs(runId, lines); });
        }
    }

    private void Record(MlpCommand command, DateTimeOffset at)
    {
        switch (command)
        {
            case TableCommand t:
                workspace.Runs.AddTable(runId, new RunTable(t.Name, t.RowsJson, at));
                break;
            case ImageCommand i:
                var full = ArtifactPaths.ResolveUnder(outputDirectory, "image", i.Path);
                if (!File.Exists(full)) throw MlpException.Invalid($"image '{i.Name}' file '{i.Path}' does not exist in the step's output folder");
                var real = FolderWalker.Contain(outputDirectory, full, i.Path, out var skipped) ?? throw MlpException.Invalid(skipped!);
                var blob = workspace.Artifacts.PutFile(real);
                var media = full.EndsWith(".svg", StringComparison.OrdinalIgnoreCase) ? "image/svg+xml" : "image/png";
                workspace.Runs.AddImage(runId, new RunImage(i.Name, ArtifactPaths.Normalize("image", i.Path), blob.Hash, media, at));
                break;
        }
    }

    private void Try(Action write)
    {
        try { write(); }
        catch (MlpException e) { progress.Output(stepName, LogStream.System, "warning: could not record log data: " + e.Message); }
    }
}
