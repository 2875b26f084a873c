using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MlPipelines.Serving.Http;

/// <summary>Lock-free counters for /score, rendered in the Prometheus text exposition format.</summary>
internal sealed class ScoringMetrics
{
    private static readonly double[] Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private readonly long[] _byStatus = new long[600];
    private readonly long[] _bucketCounts = new long[Buckets.Length + 1];
    private long _durationTicks;
    private long _errors;
    private long _inFlight;

    public long InFlight => Interlocked.Read(ref _inFlight);

    public long Enter() => Interlocked.Increment(ref _inFlight);

    public void Leave() => Interlocked.Decrement(ref _inFlight);

    public void Record(int status, long startTimestamp)
    {
        var elapsed = Stopwatch.GetElapsedTime(startTimestamp);
        if ((uint)status < _byStatus.Length) Interlocked.Increment(ref _byStatus[status]);
        if (status >= 500) Interlocked.Increment(ref _errors);
        Interlocked.Add(ref _durationTicks, elapsed.Ticks);
        var seconds = elapsed.TotalSeconds;
        var i = 0;
        while (i < Buckets.Length && seconds > Buckets[i]) i++;
        Interlocked.Increment(ref _bucketCounts[i]);
    }

    public string Render()
    {
        var sb = new StringBuilder(2048);
        var inv = CultureInfo.InvariantCulture;
        sb.Append("# HELP mlp_scoring_requests_total Scoring requests by HTTP status code.\n# TYPE mlp_scoring_requests_total counter\n");
        for (var code = 100; code < _byStatus.Length; code++)
        {
            var n = Interlocked.Read(ref _byStatus[code]);
            if (n > 0) sb.Append(inv, $"mlp_scoring_requests_total{{code=\"{code}\"}} {n}\n");
        }
        sb.Append("# HELP mlp_scoring_errors_total Scoring requests that failed on the server side (5xx).\n# TYPE mlp_scoring_errors_total counter\n");
        sb.Append(inv, $"mlp_scoring_errors_total {Interlocked.Read(ref _errors)}\n");
        sb.Append("# HELP mlp_scoring_in_flight Scoring requests being processed.\n# TYPE mlp_scoring_in_flight gauge\n");
        sb.Append(inv, $"mlp_scoring_in_flight {InFlight}\n");
        sb.Append("# HELP mlp_scoring_request_duration_seconds Scoring request latency.\n# TYPE mlp_scoring_request_duration_seconds histogram\n");
        long cumulative = 0;
        for (var i = 0; i < Buckets.Length; i++)
        {
            cumulative += Interlocked.Read(ref _bucketCounts[i]);
            sb.Append(inv, $"mlp_scoring_request_duration_seconds_bucket{{le=\"{Buckets[i]}\"}} {cumulative}\n");
        }
        cumulative += Interlocked.Read(ref _bucketCounts[Buckets.Length]);
        sb.Append(inv, $"mlp_scoring_request_duration_seconds_bucket{{le=\"+Inf\"}} {cumulative}\n");
        sb.Append(inv, $"mlp_scoring_request_duration_seconds_sum {TimeSpan.FromTicks(Interlocked.Read(ref _durationTicks)).TotalSeconds}\n");
        sb.Append(inv, $"mlp_scoring_request_duration_seconds_count {cumulative}\n");
        return sb.ToString();
    }
}
