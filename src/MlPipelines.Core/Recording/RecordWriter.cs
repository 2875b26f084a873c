using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;

namespace MlPipelines.Core.Recording;

/// <summary>
/// Writes a recorder's pending records to the run store on a background task, so the thread reading a process's
/// output never waits on the database: woken when a batch is full, and at least every flush interval. Writes are
/// serialised (batches land in the order they were taken). A failed write becomes a warning and is remembered for
/// the next <see cref="Flush"/>.
/// </summary>
internal sealed class RecordWriter(IRunStore store, string runId, Func<PendingRecords?> take, Action<string> warn, TimeSpan interval) : IDisposable
{
    private readonly object _writeGate = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private string? _failure;
    private bool _disposed;

    /// <summary>Starts the background task (once; a recorder that never gets a record never starts one).</summary>
    public void Start()
    {
        if (!_disposed) _loop ??= Task.Run(LoopAsync);
    }

    /// <summary>Asks the background task to write now.</summary>
    public void Wake() => _wake.Release();

    /// <summary>Writes everything pending on the calling thread; throws when this or an earlier background write failed.</summary>
    public void Flush()
    {
        WritePending();
        var failure = Interlocked.Exchange(ref _failure, null);
        if (failure is not null) throw MlpException.Failed($"Some records of run '{runId}' could not be written: {failure}");
    }

    /// <summary>Writes everything pending on the calling thread (the reader does this only when the writer falls far behind).</summary>
    public void WritePending()
    {
        lock (_writeGate)
        {
            if (take() is not { } batch) return;
            Write("metric points", batch.Metrics.Count, () => store.LogMetrics(runId, batch.Metrics));
            if (batch.Params.Count > 0) WriteParams(batch.Params);
            Write("tags", batch.Tags.Count, () => store.SetTags(runId, batch.Tags));
            foreach (var t in batch.Tables) Write($"table '{t.Name}'", 1, () => store.AddTable(runId, t));
            foreach (var i in batch.Images) Write($"image '{i.Name}'", 1, () => store.AddImage(runId, i));
            Write("log lines", batch.Lines.Count, () => store.AppendLogs(runId, batch.Lines));
        }
    }

    private void WriteParams(Dictionary<string, string> values)
    {
        try { store.LogParams(runId, values); }
        catch (Exception) when (values.Count > 1)
        {
            // One param set differently before this recorder existed (e.g. --param) must not lose the others of its batch.
            foreach (var (name, value) in values)
                Write($"param '{name}'", 1, () => store.LogParams(runId, new Dictionary<string, string>(1) { [name] = value }));
        }
        catch (Exception e) when (e is not OutOfMemoryException) { Fail($"param '{values.Keys.Single()}'", e); }
    }

    private void Write(string what, int count, Action write)
    {
        if (count == 0) return;
        try { write(); }
        // Whatever the store throws (locked, gone, disposed), the run goes on and the loss is reported.
        catch (Exception e) when (e is not OutOfMemoryException) { Fail(count == 1 ? what : $"{count} {what}", e); }
    }

    private void Fail(string what, Exception e)
    {
        var message = $"could not record {what}: {e.Message}";
        Interlocked.CompareExchange(ref _failure, message, null);
        warn(message);
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try { await _wake.WaitAsync(interval, _stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            WritePending();
        }
    }

    /// <summary>Stops the background task and writes what is left; never throws for a failed write (it was warned).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stop.Cancel();
        try { _loop?.GetAwaiter().GetResult(); }
        catch (OperationCanceledException) { }
        // The semaphore and token source stay undisposed (they hold nothing without a wait handle): a record after
        // Dispose must not throw; it waits for an explicit Flush.
        WritePending();
    }
}
