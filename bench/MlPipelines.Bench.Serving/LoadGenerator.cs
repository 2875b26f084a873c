using System.Diagnostics;
using System.Text;

using MlPipelines.Bench;

namespace MlPipelines.Bench.Serving;

/// <summary>Drives POST load at an endpoint with N connections: wrk when installed, else an HttpClient loop.</summary>
internal static class LoadGenerator
{
    public static bool HasWrk => WrkLoad.Installed;

    public static async Task<LoadResult> RunAsync(string name, string url, string body, int connections, TimeSpan duration)
    {
        if (HasWrk) return await RunWrkAsync(name, url, body, connections, duration);
        return await RunHttpClientAsync(name, url, body, connections, duration);
    }

    private static async Task<LoadResult> RunWrkAsync(string name, string url, string body, int connections, TimeSpan duration)
    {
        var f = await WrkLoad.RunAsync(url, body, key: null, connections, duration);
        return new LoadResult(name, f.Rps, f.P50Ms, f.P99Ms, f.Errors, "wrk");
    }

    private static async Task<LoadResult> RunHttpClientAsync(string name, string url, string body, int connections, TimeSpan duration)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections });
        var bytes = Encoding.UTF8.GetBytes(body);
        var latencies = new List<double>[connections];
        long errors = 0;
        var stop = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, connections).Select(async i =>
        {
            var mine = latencies[i] = new List<double>(100_000);
            while (stop.Elapsed < duration)
            {
                var t = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(bytes) { Headers = { ContentType = new("application/json") } };
                using var r = await http.PostAsync(url, content);
                await r.Content.ReadAsByteArrayAsync();
                if (!r.IsSuccessStatusCode) Interlocked.Increment(ref errors);
                mine.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        });
        await Task.WhenAll(workers);
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(name, all.Length / stop.Elapsed.TotalSeconds, all[all.Length / 2], all[(int)(all.Length * 0.99)], errors, "HttpClient loop");
    }
}
