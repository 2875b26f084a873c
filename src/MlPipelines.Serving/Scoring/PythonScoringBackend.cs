using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace MlPipelines.Serving.Scoring;

/// <summary>
/// A pool of long-lived Python workers running score.py. A request waits (within its timeout) for an idle worker.
/// A worker that crashes or times out is killed and replaced in the background; its request gets 503 or 504. A worker
/// whose run() raised (an input error, 400, or any other exception, 500) stays in the pool.
/// </summary>
internal sealed class PythonScoringBackend(PythonWorkerSettings settings, int workerCount, ILogger log) : IScoringBackend
{
    private readonly Channel<PythonWorker> _idle = Channel.CreateUnbounded<PythonWorker>();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<PythonWorker> _all = [];
    private readonly Lock _lock = new();

    public static string LoadWorkerSource()
    {
        using var stream = typeof(PythonScoringBackend).Assembly.GetManifestResourceStream("MlPipelines.Serving.worker.py")
            ?? throw new InvalidOperationException("The embedded worker.py is missing from the host assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public async Task InitAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.ScorePy)) throw new FileNotFoundException($"score.py '{settings.ScorePy}' does not exist.", settings.ScorePy);
        var workers = await Task.WhenAll(Enumerable.Range(0, workerCount)
            .Select(_ => PythonWorker.StartAsync(settings, log, cancellationToken))).ConfigureAwait(false);
        foreach (var w in workers) Add(w);
        log.LogInformation("Started {Count} Python worker(s): {Pids}.", workers.Length, string.Join(", ", workers.Select(w => w.Pid)));
    }

    public async ValueTask<ReadOnlyMemory<byte>> ScoreAsync(JsonDocument input, ReadOnlyMemory<byte> rawUtf8, CancellationToken timeout)
    {
        PythonWorker worker;
        while (true)
        {
            try
            {
                worker = await _idle.Reader.ReadAsync(timeout).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw new ScoringException(ScoringFailure.Timeout, "No Python worker became free in time.");
            }
            if (!worker.HasExited) break;
            Replace(worker); // died while idle: no request was lost, wait for another worker
        }
        try
        {
            var result = await worker.ScoreAsync(Encoding.UTF8.GetString(rawUtf8.Span), timeout).ConfigureAwait(false);
            _idle.Writer.TryWrite(worker);
            return Encoding.UTF8.GetBytes(result);
        }
        catch (ScoringException e) when (e.Failure is ScoringFailure.ScorerError or ScoringFailure.InputError)
        {
            _idle.Writer.TryWrite(worker);
            throw;
        }
        catch (ScoringException)
        {
            Replace(worker);
            throw;
        }
    }

    private void Add(PythonWorker worker)
    {
        lock (_lock) _all.Add(worker);
        _idle.Writer.TryWrite(worker);
    }

    private void Replace(PythonWorker dead)
    {
        lock (_lock) _all.Remove(dead);
        dead.Kill();
        _ = Task.Run(async () =>
        {
            await dead.DisposeAsync().ConfigureAwait(false);
            for (var attempt = 1; !_stopping.IsCancellationRequested; attempt++)
            {
                try
                {
                    var fresh = await PythonWorker.StartAsync(settings, log, _stopping.Token).ConfigureAwait(false);
                    log.LogWarning("Replaced Python worker {Old} with {New}.", dead.Pid, fresh.Pid);
                    Add(fresh);
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogError(e, "Restarting a Python worker failed (attempt {Attempt}).", attempt);
                    try { await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(10_000, 250 * attempt)), _stopping.Token).ConfigureAwait(false); }
                    catch (OperationCanceledException) { return; }
                }
                catch (OperationCanceledException) { return; }
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        PythonWorker[] all;
        lock (_lock) all = [.. _all];
        await Task.WhenAll(all.Select(w => w.DisposeAsync().AsTask())).ConfigureAwait(false);
        _stopping.Dispose();
    }
}
