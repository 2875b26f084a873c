using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace MlPipelines.Serving.Scoring;

/// <summary>One long-lived Python process running worker.py; scores one request at a time.</summary>
internal sealed class PythonWorker : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ILogger _log;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<string>? _pending;
    private long _pendingId;
    private long _nextId;

    private PythonWorker(Process process, ILogger log)
    {
        _process = process;
        _log = log;
        Pid = process.Id;
    }

    public int Pid { get; }

    /// <summary>True once the process is gone. Asks the OS too: the output reader notices a killed worker a little
    /// later, and a request handed to it in between would fail although another worker could serve it.</summary>
    public bool HasExited
    {
        get
        {
            if (_exited.Task.IsCompleted) return true;
            try { return _process.HasExited; }
            catch (InvalidOperationException) { return true; }
        }
    }

    /// <summary>Starts the process and waits until score.py's init() returned.</summary>
    public static async Task<PythonWorker> StartAsync(PythonWorkerSettings settings, ILogger log, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(settings.Python)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(settings.ScorePy)!,
            StandardInputEncoding = new System.Text.UTF8Encoding(false), StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        psi.ArgumentList.Add("-u");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(settings.WorkerSource);
        psi.ArgumentList.Add(settings.ScorePy);
        psi.Environment["AZUREML_MODEL_DIR"] = settings.ModelDirectory;
        psi.Environment["PYTHONUNBUFFERED"] = "1";
        psi.Environment["PYTHONIOENCODING"] = "utf-8";
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start '{settings.Python}'.");
        var worker = new PythonWorker(process, log);
        _ = worker.PumpStderrAsync();
        _ = worker.PumpStdoutAsync();
        using var reg = ct.Register(() => worker.Kill());
        await Task.WhenAny(worker._ready.Task, worker._exited.Task).ConfigureAwait(false);
        if (!worker._ready.Task.IsCompletedSuccessfully)
        {
            await worker.DisposeAsync().ConfigureAwait(false);
            if (worker._ready.Task.IsFaulted) throw worker._ready.Task.Exception!.InnerException!;
            throw new InvalidOperationException($"Python worker exited with code {SafeExitCode(process)} before init() finished; see the log.");
        }
        return worker;
    }

    /// <summary>Sends one request and waits for its answer (the JSON text of the result).</summary>
    public async Task<string> ScoreAsync(string rawJson, CancellationToken timeout)
    {
        var id = ++_nextId;
        var tcs = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _pendingId, id);
        Volatile.Write(ref _pending, tcs);
        if (HasExited) throw new ScoringException(ScoringFailure.WorkerCrashed, $"Python worker {Pid} is not running.");
        var line = JsonSerializer.Serialize(new WorkerRequest(id, rawJson), WorkerJson.Default.WorkerRequest);
        try
        {
            await _process.StandardInput.WriteLineAsync(line).ConfigureAwait(false);
            await _process.StandardInput.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new ScoringException(ScoringFailure.WorkerCrashed, $"Python worker {Pid} closed its input: {e.Message}", e);
        }
        try
        {
            return await tcs.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new ScoringException(ScoringFailure.Timeout, $"score.py run() on worker {Pid} did not return in time.");
        }
        finally
        {
            Volatile.Write(ref _pending, null);
        }
    }

    private async Task PumpStdoutAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0) continue;
                try { Dispatch(line); }
                catch (JsonException e) { _log.LogError("Python worker {Pid} wrote a bad protocol line ({Error}): {Line}", Pid, e.Message, line); }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException) { }
        await _process.WaitForExitAsync().ConfigureAwait(false);
        var crash = new ScoringException(ScoringFailure.WorkerCrashed, $"Python worker {Pid} exited with code {SafeExitCode(_process)}.");
        _log.LogWarning("Python worker {Pid} exited with code {Code}.", Pid, SafeExitCode(_process));
        _exited.TrySetResult();
        _ready.TrySetException(new InvalidOperationException(crash.Message + " init() did not finish; see the log."));
        Volatile.Read(ref _pending)?.TrySetException(crash);
    }

    private void Dispatch(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        if (root.TryGetProperty("ready", out var ready))
        {
            if (ready.GetBoolean()) _ready.TrySetResult();
            else
            {
                var error = root.TryGetProperty("error", out var err) ? err.GetString() : "unknown error";
                _ready.TrySetException(new InvalidOperationException("score.py init() failed: " + error));
            }
            return;
        }
        var id = root.GetProperty("id").GetInt64();
        var pending = Volatile.Read(ref _pending);
        if (pending is null || id != Volatile.Read(ref _pendingId)) return; // an answer to an abandoned request
        if (root.GetProperty("ok").GetBoolean()) pending.TrySetResult(root.GetProperty("result").GetRawText());
        else if (root.TryGetProperty("input_error", out var input) && input.ValueKind == JsonValueKind.True)
            pending.TrySetException(new ScoringException(ScoringFailure.InputError, root.GetProperty("error").GetString() ?? "invalid input"));
        else pending.TrySetException(new ScoringException(ScoringFailure.ScorerError, "score.py run() raised: " + root.GetProperty("error").GetString()));
    }

    private async Task PumpStderrAsync()
    {
        try
        {
            while (await _process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
                _log.LogInformation("[python {Pid}] {Line}", Pid, line);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException) { }
    }

    public void Kill()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    private static string SafeExitCode(Process p)
    {
        try { return p.HasExited ? p.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?"; }
        catch (InvalidOperationException) { return "?"; }
    }

    public async ValueTask DisposeAsync()
    {
        try { _process.StandardInput.Close(); } catch (IOException) { }
        if (!_exited.Task.IsCompleted)
        {
            await Task.WhenAny(_exited.Task, Task.Delay(2000)).ConfigureAwait(false);
            Kill();
            await Task.WhenAny(_exited.Task, Task.Delay(2000)).ConfigureAwait(false);
        }
        _process.Dispose();
    }
}

internal sealed record PythonWorkerSettings(string Python, string ScorePy, string ModelDirectory, string WorkerSource);

internal sealed record WorkerRequest(
    [property: System.Text.Json.Serialization.JsonPropertyName("id")] long Id,
    [property: System.Text.Json.Serialization.JsonPropertyName("data")] string Data);

[System.Text.Json.Serialization.JsonSerializable(typeof(WorkerRequest))]
internal sealed partial class WorkerJson : System.Text.Json.Serialization.JsonSerializerContext;
