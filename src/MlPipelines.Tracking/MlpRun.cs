using System.Globalization;
using System.Text.Json;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Files;
using MlPipelines.Core.Naming;
using MlPipelines.Core.Recording;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;
using MlPipelines.Workspace;
using MlPipelines.Workspace.Remote;

namespace MlPipelines.Tracking;

/// <summary>
/// Logging client for training code. Inside a run started by <c>mlp run submit</c> or a pipeline step
/// (<c>MLP_RUN_ID</c> is set) it logs to that run; outside, <see cref="Start"/> creates a new run in the nearest
/// workspace, like <c>mlflow.start_run</c>. Metrics, params, tags and tables go through the same
/// <see cref="RunRecorder"/> (and step rule) as <c>##mlp</c> lines, batched: call <see cref="Flush"/> to make them durable now.
/// </summary>
public sealed class MlpRun : IDisposable
{
    private readonly IWorkspace _workspace;
    private readonly bool _ownsRun;
    private readonly RunRecorder _recorder;
    private readonly Timer? _heartbeat;
    private readonly bool _ownsWorkspace;
    private bool _ended;

    private MlpRun(IWorkspace workspace, RunInfo run, bool ownsRun, TrackingOptions options, bool ownsWorkspace = true)
    {
        _workspace = workspace;
        _ownsWorkspace = ownsWorkspace;
        Info = run;
        _ownsRun = ownsRun;
        if (ownsRun) _heartbeat = new Timer(_ => TryHeartbeat(), null, TimeSpan.Zero, options.HeartbeatInterval);
        OutputDirectory = Environment.GetEnvironmentVariable("MLP_OUTPUT_DIR") is { Length: > 0 } o && !ownsRun
            ? o : Path.Combine(workspace.ScratchDirectory, "outputs", run.Id);
        Directory.CreateDirectory(OutputDirectory);
        _recorder = new RunRecorder(workspace, run.Id, new RecorderOptions
        {
            OutputDirectory = OutputDirectory,
            WorkingDirectory = Directory.GetCurrentDirectory(),
            BatchSize = options.BatchSize,
            FlushInterval = options.FlushInterval,
            OnWarning = w => Console.Error.WriteLine("warning: " + w),
        });
    }

    /// <summary>The run being logged to.</summary>
    public RunInfo Info { get; }

    /// <summary>The run id.</summary>
    public string Id => Info.Id;

    /// <summary>Folder whose files become the run's outputs (<c>$MLP_OUTPUT_DIR</c> inside a submitted run).</summary>
    public string OutputDirectory { get; }

    /// <summary>
    /// Attaches to the current run (<c>MLP_RUN_ID</c> + <c>MLP_WORKSPACE</c>) or starts a new run in experiment
    /// <paramref name="experiment"/> of the workspace found from <paramref name="workspace"/>, <c>MLP_WORKSPACE</c>
    /// or the nearest <c>.mlp/</c> folder.
    /// </summary>
    public static MlpRun Start(string experiment = "Default", string? name = null, string? workspace = null, TrackingOptions? options = null)
    {
        options ??= new TrackingOptions();
        var current = Environment.GetEnvironmentVariable("MLP_RUN_ID");
        var ws = WorkspaceConnector.Open(workspace);
        try
        {
            if (!string.IsNullOrEmpty(current)) return new MlpRun(ws, ws.Runs.GetRun(current), ownsRun: false, options);
            var run = ws.Runs.CreateRun(new NewRun(Names.Validate("experiment", experiment), name, Kind: "run") { Status = RunStatus.Running });
            return new MlpRun(ws, run, ownsRun: true, options);
        }
        catch
        {
            ws.Dispose();
            throw;
        }
    }

    /// <summary>Starts a new run in an already open workspace (the caller keeps ownership of the workspace).</summary>
    public static MlpRun StartIn(IWorkspace workspace, string experiment, string? name = null, TrackingOptions? options = null)
    {
        var run = workspace.Runs.CreateRun(new NewRun(Names.Validate("experiment", experiment), name, Kind: "run") { Status = RunStatus.Running });
        return new MlpRun(workspace, run, ownsRun: true, options ?? new TrackingOptions(), ownsWorkspace: false);
    }

    /// <summary>
    /// Appends a metric point (batched). Without <paramref name="step"/> it gets the step after the last one logged
    /// for that metric by this client (0 for the first), the rule of <c>##mlp[metric]</c> lines.
    /// </summary>
    public void LogMetric(string name, double value, long? step = null) =>
        _recorder.LogMetric(Names.ValidateKey("metric", name), value, step, DateTimeOffset.UtcNow);

    /// <summary>Sets a parameter (batched; set once: the same value again is fine, another value throws Conflict).</summary>
    public void LogParam(string name, object value) =>
        _recorder.LogParam(Names.ValidateKey("param", name), Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");

    /// <summary>Sets a tag (batched).</summary>
    public void SetTag(string name, string value) => _recorder.SetTag(Names.ValidateKey("tag", name), value);

    /// <summary>Logs a table (batched): a list of rows, each serialised as a JSON object.</summary>
    public void LogTable<TRow>(string name, IEnumerable<TRow> rows) =>
        _recorder.AddTable(new RunTable(Names.Validate("table", name), JsonSerializer.Serialize(rows), DateTimeOffset.UtcNow));

    /// <summary>Logs a PNG or SVG image file.</summary>
    public void LogImage(string name, string path)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        var media = ext switch { ".png" => "image/png", ".svg" => "image/svg+xml", _ => throw MlpException.Invalid($"Image '{path}' is not a .png or .svg file.") };
        if (!File.Exists(path)) throw MlpException.Invalid($"Image file '{path}' does not exist.");
        var blob = _workspace.Artifacts.PutFile(path);
        _workspace.Runs.AddImage(Id, new RunImage(Names.Validate("image", name), "images/" + Path.GetFileName(path), blob.Hash, media, DateTimeOffset.UtcNow));
    }

    /// <summary>Stores a file as a run output under <paramref name="relativePath"/> (default: its file name).</summary>
    public void LogOutput(string path, string? relativePath = null)
    {
        if (!File.Exists(path)) throw MlpException.Invalid($"Output file '{path}' does not exist.");
        var rel = ArtifactPaths.Normalize("output", relativePath ?? Path.GetFileName(path));
        var blob = _workspace.Artifacts.PutFile(path);
        _workspace.Runs.AddOutput(Id, new RunOutput(rel, blob.Hash, blob.Size));
    }

    /// <summary>Writes pending metrics, params, tags and tables now; they are durable when this returns (throws when a write failed).</summary>
    public void Flush() => _recorder.Flush();

    /// <summary>Ends a run this client started as Completed (no-op for an attached run: its owner sets the status).</summary>
    public void Complete() => End(RunStatus.Completed, null);

    /// <summary>Ends a run this client started as Failed with a reason.</summary>
    public void Fail(string reason) => End(RunStatus.Failed, reason);

    private void End(RunStatus status, string? reason)
    {
        if (_ended) return;
        _ended = true;
        _heartbeat?.Dispose();
        _recorder.Flush();
        if (!_ownsRun) return;
        var outputs = new OutputBatch(_workspace);
        outputs.AddFolder(OutputDirectory);
        foreach (var w in outputs.Warnings) Console.Error.WriteLine("warning: " + w);
        if (outputs.Failure is null) outputs.Commit(Id);
        else (status, reason) = (RunStatus.Failed, "Collecting outputs failed: " + outputs.Failure + ".");
        _workspace.Runs.SetStatus(Id, status, reason);
    }

    private void TryHeartbeat()
    {
        try { _workspace.Runs.Heartbeat(Id); }
        catch (MlpException) { /* a missed heartbeat is harmless; the next one retries */ }
    }

    /// <summary>Flushes metrics and, for a run this client started, marks it Completed.</summary>
    public void Dispose()
    {
        End(RunStatus.Completed, null);
        _recorder.Dispose();
        if (_ownsWorkspace) _workspace.Dispose();
    }
}
