using System.Net;

namespace MlPipelines.Server.Tests;

public sealed class RateLimitTests
{
    [Fact]
    public async Task Server_TokenOverItsRate_429WithRetryAfterAndJsonError()
    {
        await using var server = await RunningServer.StartAsync(o => o with { RateLimitPerToken = 5 });
        using var admin = server.Client(server.AdminToken);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => admin.GetAsync("/api/v1/workspaces")));
        var refused = statuses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();

        Assert.InRange(statuses.Count(r => r.StatusCode == HttpStatusCode.OK), 10, 16); // the burst (2 s worth), perhaps a refill
        Assert.NotEmpty(refused);
        Assert.True(refused[0].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "429 without Retry-After");
        var body = await refused[0].Json();
        Assert.Contains("5 per second per token", body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("correlationId").GetString()));
    }

    [Fact]
    public async Task Server_FloodWithoutToken_RefusedBeforeAuditing()
    {
        await using var server = await RunningServer.StartAsync();
        using var anonymous = server.Client(null);
        var before = server.Host.Store.Audit.List().Count;

        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => anonymous.GetAsync("/api/v1/workspaces")));

        Assert.Contains(statuses, r => r.StatusCode == HttpStatusCode.TooManyRequests);
        var audited = server.Host.Store.Audit.List().Count - before;
        Assert.Equal(statuses.Count(r => r.StatusCode == HttpStatusCode.Unauthorized), audited);
        Assert.InRange(audited, 1, 30); // 10 per second per address, bursts of 20
    }
}
