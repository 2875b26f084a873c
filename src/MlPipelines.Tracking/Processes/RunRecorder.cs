using MlPipelines.Core.Errors;
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
                var image = Locate("image", i.Path);
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

    /// <summary>A named output may live in the output folder (kept anyway) or in the working folder (copied now).</summary>
    private void StoreNamedOutput(OutputCommand o)
    {
        var rel = ArtifactPaths.Normalize("output", o.Path);
        var path = Locate("output", rel);
        if (!path.StartsWith(Path.GetFullPath(outputDirectory) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            if (File.Exists(path)) StoreFile(path, rel);
            else foreach (var f in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
                StoreFile(f, rel + "/" + Path.GetRelativePath(path, f).Replace('\\', '/'));
        }
        workspace.Runs.SetTags(runId, new Dictionary<string, string> { ["mlp.output." + o.Name] = rel });
    }

    private string Locate(string what, string relative)
    {
        foreach (var root in new[] { outputDirectory, workingDirectory })
        {
            var full = ArtifactPaths.ResolveUnder(root, what, relative);
            if (File.Exists(full) || Directory.Exists(full)) return full;
        }
        throw MlpException.Invalid($"{what} '{relative}' was not found in the output folder or the working folder");
    }

    public void StoreFile(string path, string relative)
    {
        var blob = workspace.Artifacts.PutFile(path);
        workspace.Runs.AddOutput(runId, new RunOutput(relative, blob.Hash, blob.Size));
    }
}
