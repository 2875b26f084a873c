using System.Net;

namespace MlPipelines.Server.Tests;

/// <summary>The OpenAPI document and the browsable reference page need no token and load nothing from the internet.</summary>
public class ApiReferenceTests
{
    [Fact]
    public async Task Docs_NoToken_ReferencePageAndItsScriptServedByTheServer()
    {
        await using var server = await RunningServer.StartAsync();
        using var anonymous = server.Client(null);
        var page = await anonymous.GetAsync("/docs/v1");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("MlPipelines workspace server API", html);
        Assert.DoesNotContain("cdn.jsdelivr", html);
        var scripts = System.Text.RegularExpressions.Regex.Matches(html, "<script[^>]+src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var src in scripts)
        {
            Assert.False(src.StartsWith("http", StringComparison.OrdinalIgnoreCase), $"script '{src}' is loaded from another origin");
            var script = await anonymous.GetAsync(new Uri(new Uri(server.Host.Url + "/docs/v1"), src));
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        }
        var openApi = await (await anonymous.GetAsync("/openapi/v1.json")).Json();
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/v1/workspaces/{workspace}/runs/{runId}/metrics", out _));
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/workspaces")).StatusCode);
    }
}
