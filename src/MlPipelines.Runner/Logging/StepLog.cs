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
/// Buffers a step's log lines and what its <c>##mlp</c> lines report (metrics, params, tags, tables, images, named
/// outputs), and writes them to the step's run in batches (<see cref="Flush"/> is called periodically and at the end).
/// The rules are those of <c>mlp run submit</c>: the line's read time is the metric's timestamp, images and outputs
/// resolve in the output folder then the working folder, a named output outside the output folder is copied into it
/// (so it is stored with the step's outputs) and tagged <c>mlp.output.NAME</c>. Lines also go to the progress display.
/// A malformed protocol line is kept in the log with a warning, never fatal.
/// </summary>
internal sealed class StepLog(IWorkspace workspace, string runId, string stepName, string outputDirectory, string workingDirectory, IRunProgress progress) : IStepLog
{
    private readonly Dictionary<string, double> _latest = new(StringComparer.Ordinal);
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
                case MetricCommand m: _metrics.Add(new MetricPoint(m.Name, m.Value, m.Step ?? 0, now)); _latest[m.Name] = m.Value; break;
                case ParamCommand p: _params[p.Name] = p.Value; break;
                case TagCommand t: _tags[t.Name] = t.Value; break;
                case TableCommand or ImageCommand: _artifacts.Add((result.Command, now)); break;
            }
        }
        // A named output is placed in the output folder now, while the file is where the line says it is.
        if (result.Command is OutputCommand o)
        {
            try { KeepOutput(o); }
            catch (MlpException e) { Info($"warning: Ignored ##mlp line ({e.Message}): {text}"); }
        }
    }

    /// <summary>The latest value of every metric the step reported (what an evaluate step's command measured).</summary>
    public IReadOnlyDictionary<string, double> LatestMetrics
    {
        get { lock (_gate) return new Dictionary<string, double>(_latest, StringComparer.Ordinal); }
    }

    private void KeepOutput(OutputCommand o)
    {
        var rel = ArtifactPaths.Normalize("output", o.Path);
        var path = Locate("output", rel);
        var target = Path.Combine(outputDirectory, rel);
        if (!Path.GetFullPath(path).StartsWith(Path.GetFullPath(outputDirectory) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            if (File.Exists(path))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(path, target, overwrite: true);
            }
            else
            {
                var walk = FolderWalker.Walk(path);
                foreach (var w in walk.Warnings) Info("warning: " + w);
                foreach (var f in walk.Files)
                {
                    var to = Path.Combine(target, f.RelativePath);
                    Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                    File.Copy(f.FullPath, to, overwrite: true);
                }
            }
        }
        lock (_gate) _tags["mlp.output." + o.Name] = rel;
    }

    private string Locate(string what, string relative)
    {
        foreach (var root in new[] { outputDirectory, workingDirectory })
        {
            var full = ArtifactPaths.ResolveUnder(root, what, relative);
            if (!File.Exists(full) && !Directory.Exists(full)) continue;
            // A link is followed only while its target stays inside the folder it was found in.
            return FolderWalker.Contain(root, full, relative, out var skipped) ?? throw MlpException.Invalid(skipped!);
        }
        throw MlpException.Invalid($"{what} '{relative}' was not found in the output folder or the working folder");
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
                var full = Locate("image", i.Path);
                var media = Path.GetExtension(full).ToLowerInvariant() switch
                {
                    ".png" => "image/png",
                    ".svg" => "image/svg+xml",
                    _ => throw MlpException.Invalid($"image '{i.Path}' is not a .png or .svg file"),
                };
                var blob = workspace.Artifacts.PutFile(full);
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
