using MlPipelines.Core.Runs;

namespace MlPipelines.Tracking;

/// <summary>
/// Collects metric points in memory and writes them in batches (one transaction each), so a training loop can log
/// hundreds of thousands of points cheaply. A point is acknowledged (durable) once a flush that contains it returns.
/// </summary>
internal sealed class MetricBuffer : IDisposable
{
    private readonly IRunStore _store;
    private readonly string _runId;
    private readonly int _batchSize;
    private readonly object _gate = new();
    private readonly object _flushGate = new();
    private readonly Timer _timer;
    private List<MetricPoint> _pending = new(1024);
    private readonly Dictionary<string, long> _nextStep = new(StringComparer.Ordinal);

    public MetricBuffer(IRunStore store, string runId, int batchSize, TimeSpan flushInterval)
    {
        _store = store;
        _runId = runId;
        _batchSize = batchSize;
        _timer = new Timer(_ => Flush(), null, flushInterval, flushInterval);
    }

    public void Add(string name, double value, long? step)
    {
        bool full;
        lock (_gate)
        {
            var s = step ?? (_nextStep.TryGetValue(name, out var n) ? n : 0);
            _nextStep[name] = s + 1;
            _pending.Add(new MetricPoint(name, value, s, DateTimeOffset.UtcNow));
            full = _pending.Count >= _batchSize;
        }
        if (full) Flush();
    }

    /// <summary>Writes every pending point; returns when they are durable.</summary>
    public void Flush()
    {
        lock (_flushGate)
        {
            List<MetricPoint> batch;
            lock (_gate)
            {
                if (_pending.Count == 0) return;
                batch = _pending;
                _pending = new List<MetricPoint>(Math.Min(_batchSize, batch.Count * 2));
            }
            _store.LogMetrics(_runId, batch);
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        Flush();
    }
}
