using System.Globalization;

namespace MlPipelines.Bench.Serving;

/// <summary>Requests/s and latency percentiles of one load run.</summary>
internal sealed record LoadResult(string Name, double RequestsPerSecond, double P50Ms, double P99Ms, long Errors, string Tool)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name,-28} {RequestsPerSecond,10:F0} req/s   p50 {P50Ms,7:F2} ms   p99 {P99Ms,7:F2} ms   non-2xx/errors {Errors}   ({Tool})");
}
