using MlPipelines.Core.Errors;
using MlPipelines.Core.Files;
using MlPipelines.Core.Naming;
using MlPipelines.Core.Protocol;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;

namespace MlPipelines.Tracking.Processes;

/// <summary>
/// Turns a run's output lines into workspace records: every line into the log (batched, in order), and
/// <c>##mlp</c> protocol lines into metrics, params, tags, tables, images and named outputs.
/// </summary>
internal sealed class RunRecorder(IWorkspace workspace, string runId, string outputDirectory, string workingDirectory)
{
    private const int LogBatch = 500;
    private readonly MlpProtocolReader _protocol = new();
    private readonly List<LogLine> _logs = new(LogBatch);
    private readonly List<MetricPoint> _metrics = new(1024);
    private readonly List<string> _warnings = [];
    private readonly OutputBatch _outputs = new(workspace);
    private readonly Dictionary<string, string> _outputTags = new(StringComparer.Ordinal);
    private long _sequence;
    private DateTimeOffset _lastFlush = DateTimeOffset.UtcNow;

    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>
    /// Records one line; returns the warnings to show the user (a malformed protocol line, or one whose bytes were not
    /// valid UTF-8: <paramref name="invalidUtf8"/>).
    /// </summary>
    public IReadOnlyList<string> Record(LogStream stream, DateTimeOffset time, string text, bool invalidUtf8 = false)
    {
        _logs.Add(new LogLine(_sequence++, stream, time, text));
        var warnings = new List<string>(0);
        if (stream == LogStream.Stdout && invalidUtf8 && MlpLineParser.InvalidUtf8Warning(text) is { } encoding) warnings.Add(encoding);
        if (stream == LogStream.Stdout && _protocol.Read(text) is { } result)
        {
            if (result.Warning is not null) warnings.Add(result.Warning);
            else
            {
                try { Apply(result.Command!, time); }
                catch (MlpException e) { warnings.Add($"Ignored ##mlp line ({e.Message}): {text}"); }
            }
        }
        foreach (var warning in warnings)
        {
            _warnings.Add(warning);
            _logs.Add(new LogLine(_sequence++, LogStream.System, time, "warning: " + warning));
        }
        if (_logs.Count >= LogBatch || _metrics.Count >= 5000 || time - _lastFlush > TimeSpan.FromMilliseconds(200)) Flush();
        return warnings;
    }

    /// <summary>Writes pending log lines and metric points.</summary>
    public void Flush()
    {
        if (_metrics.Count > 0) { workspace.Runs.LogMetrics(runId, _metrics.ToList()); _metrics.Clear(); }
        if (_logs.Count > 0) { workspace.Runs.AppendLogs(runId, _logs.ToList()); _logs.Clear(); }
        _lastFlush = DateTimeOffset.UtcNow;
    }

    private void Apply(MlpCommand command, DateTimeOffset time)
    {
        switch (command)
        {
            case MetricCommand m:
                _metrics.Add(new MetricPoint(m.Name, m.Value, m.Step ?? 0, time));
                break;
            case ParamCommand p:
                workspace.Runs.LogParams(runId, new Dictionary<string, string> { [p.Name] = p.Value });
                break;
            case TagCommand t:
                workspace.Runs.SetTags(runId, new Dictionary<string, string> { [t.Name] = t.Value });
                break;
            case TableCommand t:
                workspace.Runs.AddTable(runId, new RunTable(t.Name, t.RowsJson, time));
                break;
            case ImageCommand i:
                var (imageRoot, imagePath) = Locate("image", i.Path);
                var image = FolderWalker.Contain(imageRoot, imagePath, i.Path, out var skipped) ?? throw MlpException.Invalid(skipped!);
                var media = Path.GetExtension(image).ToLowerInvariant() switch
                {
                    ".png" => "image/png",
                    ".svg" => "image/svg+xml",
                    _ => throw MlpException.Invalid($"image '{i.Path}' is not a .png or .svg file"),
                };
                var blob = workspace.Artifacts.PutFile(image);
                workspace.Runs.AddImage(runId, new RunImage(i.Name, ArtifactPaths.Normalize("image", i.Path), blob.Hash, media, time));
                break;
            case OutputCommand o:
                StoreNamedOutput(o);
                break;
        }
    }

    /// <summary>
    /// Stores the files left in the output folder and records them with the named outputs, all or nothing; skipped
    /// links become warnings (log + <paramref name="warn"/>). Returns why collection failed, or null.
    /// </summary>
    public string? RecordOutputs(Action<string>? warn)
    {
        _outputs.AddFolder(outputDirectory);
        foreach (var w in _outputs.Warnings) Warn(w, warn);
        try
        {
            _outputs.Commit(runId);
            if (_outputTags.Count > 0) workspace.Runs.SetTags(runId, _outputTags);
            return null;
        }
        catch (MlpException e) { return e.Message; }
        finally { Flush(); }
    }

    private void Warn(string warning, Action<string>? warn)
    {
        _warnings.Add(warning);
        _logs.Add(new LogLine(_sequence++, LogStream.System, DateTimeOffset.UtcNow, "warning: " + warning));
        warn?.Invoke(warning);
    }

    /// <summary>A named output may live in the output folder (collected at the end) or in the working folder (copied now, recorded at the end).</summary>
    private void StoreNamedOutput(OutputCommand o)
    {
        var rel = ArtifactPaths.Normalize("output", o.Path);
        var (root, path) = Locate("output", rel);
        var real = FolderWalker.Contain(root, path, rel, out var skipped) ?? throw MlpException.Invalid(skipped!);
        if (root != outputDirectory)
        {
            if (File.Exists(real)) _outputs.AddFile(real, rel);
            else _outputs.AddFolder(real, rel);
        }
        _outputTags["mlp.output." + o.Name] = rel;
    }

    private (string Root, string Path) Locate(string what, string relative)
    {
        foreach (var root in new[] { outputDirectory, workingDirectory })
        {
            var full = ArtifactPaths.ResolveUnder(root, what, relative);
            if (File.Exists(full) || Directory.Exists(full) || new FileInfo(full).LinkTarget is not null) return (root, full);
        }
        throw MlpException.Invalid($"{what} '{relative}' was not found in the output folder or the working folder");
    }
}
