using System.Net;
using System.Text;

namespace MlPipelines.Server.Tests;

/// <summary>Bad requests answer 400 (or 413) naming the field or the limit, and change nothing.</summary>
public class RequestLimitTests
{
    public static TheoryData<string, string, string, string> BadRequests() => new()
    {
        { "POST", "runs/{run}/metrics", "{\"points\": [ {\"name\": \"loss\", ", "Malformed JSON" },
        { "POST", "runs/{run}/metrics", "{\"points\": [{\"name\": \"loss\", \"value\": \"high\"}]}", "$.points[0].value" },
        { "POST", "runs/{run}/metrics", "{\"points\": [], \"colour\": 1}", "colour" },
        { "POST", "runs/{run}/params", "{\"values\": {\"lr\": 3}}", "$.values.lr" },
        { "POST", "runs/{run}/outputs", $"{{\"path\": \"../../etc/passwd\", \"hash\": \"{new string('a', 64)}\", \"size\": 1}}", "contains '..'" },
        { "POST", "runs/{run}/outputs", $"{{\"path\": \"/etc/passwd\", \"hash\": \"{new string('a', 64)}\", \"size\": 1}}", "is absolute" },
        { "POST", "runs/{run}/outputs", "{\"path\": \"model.bin\", \"hash\": \"../x\", \"size\": 1}", "'hash'" },
        { "POST", "runs", $"{{\"experiment\": \"{new string('e', 300)}\"}}", "300 characters" },
        { "POST", "runs", "{\"experiment\": \"a/b\"}", "character '/' is not allowed" },
        { "POST", "runs/{run}/tags", $"{{\"values\": {{\"{new string('k', 300)}\": \"v\"}}}}", "300 characters" },
        { "PUT", "runs/{run}/status", "{\"status\": \"Exploded\"}", "$.status" },
        { "PUT", "runs/{run}/snapshot", "{\"hash\": \"not-a-hash\"}", "'hash'" },
        { "POST", "runs/{run}/logs", "{\"lines\": null}", "lines" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadRequest_400NamingTheProblem_NothingWritten(string method, string path, string body, string expected)
    {
        await using var server = await RunningServer.StartAsync();
        using var admin = server.Client(server.AdminToken);
        await admin.Post("/api/v1/workspaces", new { name = "team" });
        var run = (await (await admin.Post("/api/v1/workspaces/team/runs", new { experiment = "e" })).Json()).GetProperty("id").GetString()!;
        var before = await (await admin.GetAsync($"/api/v1/workspaces/team/runs/{run}")).Content.ReadAsStringAsync();

        var request = new HttpRequestMessage(new HttpMethod(method), "/api/v1/workspaces/team/" + path.Replace("{run}", run)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var response = await admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {text}");
        Assert.Contains(expected, (await response.Json()).GetProperty("error").GetString());

        Assert.Equal(before, await (await admin.GetAsync($"/api/v1/workspaces/team/runs/{run}")).Content.ReadAsStringAsync());
        Assert.Single((await (await admin.GetAsync("/api/v1/workspaces/team/runs")).Json()).EnumerateArray());
        Assert.Empty((await (await admin.GetAsync($"/api/v1/workspaces/team/runs/{run}/outputs")).Json()).EnumerateArray());
    }

    [Fact]
    public async Task Body_LargerThanTheLimit_413NamingTheLimit()
    {
        await using var server = await RunningServer.StartAsync(o => o with { MaxRequestBodyBytes = 64 * 1024 });
        using var admin = server.Client(server.AdminToken);
        await admin.Post("/api/v1/workspaces", new { name = "team" });
        var run = (await (await admin.Post("/api/v1/workspaces/team/runs", new { experiment = "e" })).Json()).GetProperty("id").GetString()!;
        var big = "{\"lines\": [" + string.Join(',', Enumerable.Range(0, 2000).Select(i => $"{{\"sequence\": {i}, \"stream\": \"Stdout\", \"timestamp\": \"2026-01-01T00:00:00Z\", \"text\": \"{new string('x', 50)}\"}}")) + "]}";
        var response = await admin.PostAsync($"/api/v1/workspaces/team/runs/{run}/logs", new StringContent(big, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("65536 bytes", (await response.Json()).GetProperty("error").GetString());
        Assert.Empty((await (await admin.GetAsync($"/api/v1/workspaces/team/runs/{run}/logs")).Json()).EnumerateArray());
    }
}
