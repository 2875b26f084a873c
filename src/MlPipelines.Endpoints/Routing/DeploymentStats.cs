namespace MlPipelines.Endpoints.Routing;

/// <summary>Counters of one deployment behind a router (kept across routing-table swaps).</summary>
internal sealed class DeploymentStats
{
    private long _requests, _errors, _mirrored, _mirrorErrors, _retries;
    public LatencyHistogram Latency { get; } = new();

    public void RecordRequest(double ms, bool error)
    {
        Interlocked.Increment(ref _requests);
        if (error) Interlocked.Increment(ref _errors);
        Latency.Record(ms);
    }

    public void RecordMirror(bool error)
    {
        Interlocked.Increment(ref _mirrored);
        if (error) Interlocked.Increment(ref _mirrorErrors);
    }

    public void RecordRetry() => Interlocked.Increment(ref _retries);

    public DeploymentStatsSnapshot Snapshot(string name)
    {
        var buckets = Latency.Snapshot();
        return new DeploymentStatsSnapshot
        {
            Deployment = name,
            Requests = Interlocked.Read(ref _requests),
            Errors = Interlocked.Read(ref _errors),
            Mirrored = Interlocked.Read(ref _mirrored),
            MirrorErrors = Interlocked.Read(ref _mirrorErrors),
            Retries = Interlocked.Read(ref _retries),
            P50Ms = LatencyHistogram.Percentile(buckets, 0.50),
            P95Ms = LatencyHistogram.Percentile(buckets, 0.95),
            LatencyBuckets = buckets,
        };
    }
}

/// <summary>Cumulative counters of one deployment as read from a router's <c>/__mlp/stats</c>.</summary>
public sealed record DeploymentStatsSnapshot
{
    /// <summary>Deployment name.</summary>
    public required string Deployment { get; init; }
    /// <summary>Requests answered by this deployment (excluding mirrored copies).</summary>
    public long Requests { get; init; }
    /// <summary>Requests that ended with a 5xx status or a transport failure.</summary>
    public long Errors { get; init; }
    /// <summary>Mirrored copies sent to this deployment.</summary>
    public long Mirrored { get; init; }
    /// <summary>Mirrored copies that failed.</summary>
    public long MirrorErrors { get; init; }
    /// <summary>Requests retried on another instance after a connection failure.</summary>
    public long Retries { get; init; }
    /// <summary>Median latency (upper bucket bound, ms) since the router started.</summary>
    public double P50Ms { get; init; }
    /// <summary>95th percentile latency (upper bucket bound, ms) since the router started.</summary>
    public double P95Ms { get; init; }
    /// <summary>Cumulative latency histogram (bucket i holds latencies ≤ 0.025 × 1.2^i ms), for windowed percentiles.</summary>
    public long[] LatencyBuckets { get; init; } = [];
}

/// <summary>Everything a router's stats endpoint returns.</summary>
/// <param name="Endpoint">Endpoint name.</param>
/// <param name="Deployments">Per-deployment counters.</param>
/// <param name="Unauthorized">Requests rejected with 401.</param>
public sealed record RouterStats(string Endpoint, IReadOnlyList<DeploymentStatsSnapshot> Deployments, long Unauthorized);
