using MlPipelines.Bench;

namespace MlPipelines.Bench.Endpoints;

/// <summary>One load measurement.</summary>
internal sealed record LoadResult(string Name, double Rps, double P50Ms, double P99Ms, long Errors);

/// <summary>Named wrk runs for the router comparison.</summary>
internal static class Wrk
{
    public static async Task<LoadResult> RunAsync(string name, string url, string body, string? key, int connections, TimeSpan duration)
    {
        var f = await WrkLoad.RunAsync(url, body, key, connections, duration);
        return new LoadResult(name, f.Rps, f.P50Ms, f.P99Ms, f.Errors);
    }
}
