using MlPipelines.Endpoints.Tests.Support;

namespace MlPipelines.Endpoints.Tests;

public sealed class FailoverTests
{
    [Fact]
    public async Task Route_KillOneOfTwoInstancesUnderLoad_NoFailedRequests()
    {
        await using var h = await RouterHarness.StartAsync(new Dictionary<string, int> { ["blue"] = 2 }, new Dictionary<string, int> { ["blue"] = 100 });
        var victim = h.Backends[0];
        var failures = new List<string>();
        var served = new Dictionary<string, int>();
        var done = 0;
        var killed = false;
        await Parallel.ForEachAsync(Enumerable.Range(0, 2000), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            if (Interlocked.Increment(ref done) == 400) { victim.Kill(); Volatile.Write(ref killed, true); }
            using var response = await h.Http.SendAsync(h.Score());
            var body = await response.Content.ReadAsStringAsync();
            lock (failures)
            {
                if (!response.IsSuccessStatusCode) failures.Add($"{(int)response.StatusCode} {body}");
                else served[body] = served.GetValueOrDefault(body) + 1;
            }
        });
        Assert.True(killed);
        Assert.Empty(failures);
        Assert.Equal(2, served.Count); // both instances served before the kill
        Assert.False(h.Router.IsInstanceHealthy(victim.Address));
    }

    [Fact]
    public async Task Probe_UnreadyInstance_IsNotRouted()
    {
        await using var h = await RouterHarness.StartAsync(new Dictionary<string, int> { ["blue"] = 1 }, new Dictionary<string, int> { ["blue"] = 100 });
        using var unready = await StandInBackend.StartAsync("blue", "--unready");
        var config = h.Config(new Dictionary<string, int> { ["blue"] = 100 });
        h.Router.Update(config with { Deployments = [config.Deployments[0] with { Instances = [.. config.Deployments[0].Instances, unready.Address] }] });
        await h.Router.ProbeNowAsync();
        Assert.False(h.Router.IsInstanceHealthy(unready.Address));
        for (var i = 0; i < 20; i++) Assert.Equal(200, (await h.InvokeAsync()).Status);
        Assert.Equal(0, await unready.CountAsync(h.Http));
    }
}
