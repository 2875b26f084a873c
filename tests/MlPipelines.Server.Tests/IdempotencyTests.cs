using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace MlPipelines.Server.Tests;

/// <summary>Writes with an Idempotency-Key are applied once per token; a repeat gets the first answer.</summary>
public class IdempotencyTests
{
    [Fact]
    public async Task Write_SameKeyTwice_AppliedOnceAndSecondAnswerReplayed()
    {
        await using var server = await RunningServer.StartAsync();
        using var admin = server.Client(server.AdminToken);
        await admin.Post("/api/v1/workspaces", new { name = "team" });
        var runId = (await (await admin.Post("/api/v1/workspaces/team/runs", new { experiment = "e" })).Json()).GetProperty("id").GetString();
        var batch = new { points = new[] { new { name = "loss", value = 0.5, step = 1 } } };

        async Task<HttpResponseMessage> Send(HttpClient c, string key)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/workspaces/team/runs/{runId}/metrics") { Content = JsonContent.Create(batch) };
            request.Headers.Add("Idempotency-Key", key);
            return await c.SendAsync(request);
        }

        var first = await Send(admin, "k-1");
        var second = await Send(admin, "k-1");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(1, (await (await admin.GetAsync($"/api/v1/workspaces/team/runs/{runId}/metrics")).Json()).GetArrayLength());

        Assert.Equal(HttpStatusCode.OK, (await Send(admin, "k-2")).StatusCode);
        Assert.Equal(2, (await (await admin.GetAsync($"/api/v1/workspaces/team/runs/{runId}/metrics")).Json()).GetArrayLength());

        // Concurrent repeats of one key (a retry racing its first attempt): still applied once.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Send(admin, "k-3")));
        Assert.Equal(3, (await (await admin.GetAsync($"/api/v1/workspaces/team/runs/{runId}/metrics")).Json()).GetArrayLength());

        var bad = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/workspaces/team/runs/{runId}/metrics") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        bad.Headers.Add("Idempotency-Key", "not a key!");
        var refused = await admin.SendAsync(bad);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Idempotency-Key", (await refused.Json()).GetProperty("error").GetString());
    }
}
