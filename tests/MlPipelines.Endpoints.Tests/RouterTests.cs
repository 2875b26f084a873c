using System.Net;
using MlPipelines.Endpoints.Tests.Support;

namespace MlPipelines.Endpoints.Tests;

public sealed class RouterTests
{
    private static Dictionary<string, int> Map(params (string, int)[] items) => items.ToDictionary(i => i.Item1, i => i.Item2);

    [Fact]
    public async Task Route_Traffic90To10Over2000Requests_SplitWithinThreePoints()
    {
        await using var h = await RouterHarness.StartAsync(Map(("blue", 1), ("green", 1)), Map(("blue", 90), ("green", 10)));
        var counts = new Dictionary<string, int>();
        var results = new List<(int, string?)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 2000), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
        {
            var r = await h.InvokeAsync();
            lock (results) results.Add(r);
        });
        Assert.All(results, r => Assert.Equal(200, r.Item1));
        var green = results.Count(r => r.Item2 == "green") * 100.0 / results.Count;
        Assert.InRange(green, 7.0, 13.0);
        Assert.Equal(2000, results.Count(r => r.Item2 is "blue" or "green"));
    }

    [Fact]
    public async Task Route_PinnedHeader_AlwaysReachesThatDeployment()
    {
        await using var h = await RouterHarness.StartAsync(Map(("blue", 1), ("green", 1)), Map(("blue", 100), ("green", 0)));
        for (var i = 0; i < 200; i++)
        {
            var (status, deployment) = await h.InvokeAsync(pin: "green");
            Assert.Equal(200, status);
            Assert.Equal("green", deployment);
        }
    }

    [Fact]
    public async Task Route_UnknownPinnedDeployment_Returns404ListingDeployments()
    {
        await using var h = await RouterHarness.StartAsync(Map(("blue", 1), ("green", 1)), Map(("blue", 100)));
        var (status, text) = await h.InvokeAsync(pin: "purple");
        Assert.Equal(404, status);
        Assert.Contains("'purple'", text);
        Assert.Contains("'blue', 'green'", text);
    }

    [Fact]
    public async Task Route_MissingOrWrongKey_Returns401AndBothKeysWork()
    {
        await using var h = await RouterHarness.StartAsync(Map(("blue", 1)), Map(("blue", 100)));
        Assert.Equal(401, (await h.InvokeAsync(key: null)).Status);
        Assert.Equal(401, (await h.InvokeAsync(key: "wrong-key")).Status);
        Assert.Equal(401, (await h.InvokeAsync(key: RouterHarness.Key + "x")).Status);
        Assert.Equal((200, "blue"), await h.InvokeAsync(key: RouterHarness.Key));
        Assert.Equal((200, "blue"), await h.InvokeAsync(key: RouterHarness.Secondary));
        using var stats = await h.Http.GetAsync(h.Router.Address + "/__mlp/stats");
        Assert.Equal(HttpStatusCode.Unauthorized, stats.StatusCode);
    }

    [Fact]
    public async Task Route_AuthModeNone_AcceptsRequestsWithoutKey()
    {
        await using var h = await RouterHarness.StartAsync(Map(("blue", 1)), Map(("blue", 100)), auth: "none");
        Assert.Equal((200, "blue"), await h.InvokeAsync(key: null));
    }

    [Fact]
    public async Task Route_Mirror20Percent_SendsConfiguredShareAndDiscardsResponses()
    {
        await using var h = await RouterHarness.StartAsync(Map(("blue", 1), ("green", 1)), Map(("blue", 100), ("green", 0)), Map(("green", 20)));
        const int total = 1000;
        await Parallel.ForEachAsync(Enumerable.Range(0, total), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
            Assert.Equal((200, "blue"), await h.InvokeAsync()));
        var green = h.Backends.Single(b => b.Name == "green");
        // Mirrors are fire-and-forget: wait until the backend's count stops moving and the router's stats agree with it.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        long mirrored = -1, previous;
        do
        {
            previous = mirrored;
            await Task.Delay(200);
            mirrored = await green.CountAsync(h.Http);
        }
        while (DateTime.UtcNow < deadline
               && (mirrored != previous || h.Router.GetStats().Deployments.Single(d => d.Deployment == "green").Mirrored != mirrored));
        Assert.InRange(mirrored * 100.0 / total, 15.0, 25.0);
        Assert.Equal(total, await h.Backends.Single(b => b.Name == "blue").CountAsync(h.Http));
        var stats = h.Router.GetStats().Deployments.Single(d => d.Deployment == "green");
        Assert.Equal(0, stats.Requests);
        Assert.Equal(mirrored, stats.Mirrored);
    }

    [Fact]
    public async Task Update_TrafficChange_AppliesToTheNextRequest()
    {
        await using var h = await RouterHarness.StartAsync(Map(("blue", 1), ("green", 1)), Map(("blue", 100), ("green", 0)));
        Assert.Equal("blue", (await h.InvokeAsync()).Deployment);
        h.Router.Update(h.Config(Map(("blue", 0), ("green", 100))));
        for (var i = 0; i < 20; i++) Assert.Equal("green", (await h.InvokeAsync()).Deployment);
    }

    [Fact]
    public async Task Route_NoTraffic_Returns503NamingDeployments()
    {
        await using var h = await RouterHarness.StartAsync(Map(("blue", 1)), Map(("blue", 0)));
        var (status, text) = await h.InvokeAsync();
        Assert.Equal(503, status);
        Assert.Contains("'blue'", text);
    }

    [Fact]
    public async Task Stats_AfterRequests_CountsPerDeploymentWithLatency()
    {
        await using var h = await RouterHarness.StartAsync(Map(("blue", 1)), Map(("blue", 100)));
        for (var i = 0; i < 50; i++) await h.InvokeAsync();
        using var req = new HttpRequestMessage(HttpMethod.Get, h.Router.Address + "/__mlp/stats");
        req.Headers.Authorization = new("Bearer", RouterHarness.Key);
        using var resp = await h.Http.SendAsync(req);
        var json = System.Text.Json.JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement;
        var blue = json.GetProperty("deployments")[0];
        Assert.Equal("blue", blue.GetProperty("deployment").GetString());
        Assert.Equal(50, blue.GetProperty("requests").GetInt64());
        Assert.Equal(0, blue.GetProperty("errors").GetInt64());
        Assert.True(blue.GetProperty("p95Ms").GetDouble() > 0);
    }
}
