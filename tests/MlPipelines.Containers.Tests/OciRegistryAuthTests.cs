using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MlPipelines.Containers.Tests;

/// <summary>The Bearer token flow against a small token-protected registry endpoint on 127.0.0.1:0 (the local
/// docker-registry runs without auth, so this flow needs its own server).</summary>
public sealed class OciRegistryAuthTests
{
    private static async Task<WebApplication> StartTokenRegistryAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:pw"));
        app.MapGet("/token", (HttpContext ctx) =>
            ctx.Request.Headers.Authorization == basic && ctx.Request.Query["scope"] == "repository:team/iris:pull" && ctx.Request.Query["service"] == "test"
                ? Results.Json(new { token = "T0K" })
                : Results.StatusCode(401));
        app.MapMethods("/v2/team/iris/manifests/{tag}", ["HEAD", "GET"], (HttpContext ctx, string tag) =>
        {
            if (ctx.Request.Headers.Authorization != "Bearer T0K")
            {
                ctx.Response.Headers.WWWAuthenticate = $"Bearer realm=\"{ctx.Request.Scheme}://{ctx.Request.Host}/token\",service=\"test\",scope=\"repository:team/iris:pull\"";
                return Results.StatusCode(401);
            }
            if (tag != "v1") return Results.NotFound();
            ctx.Response.Headers["Docker-Content-Digest"] = "sha256:" + new string('d', 64);
            return Results.Ok();
        });
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task GetManifestDigest_BearerChallenge_FetchesTokenWithBasicCredentials()
    {
        await using var app = await StartTokenRegistryAsync();
        var registry = new Uri(app.Urls.First()).Authority;
        using var client = new OciRegistryClient(registry, new RegistryCredentials("alice", "pw"));
        Assert.Equal("sha256:" + new string('d', 64), await client.GetManifestDigestAsync("team/iris", "v1"));
        Assert.Null(await client.GetManifestDigestAsync("team/iris", "v2"));
    }

    [Fact]
    public async Task GetManifestDigest_WrongCredentials_FailsNamingTokenService()
    {
        await using var app = await StartTokenRegistryAsync();
        var registry = new Uri(app.Urls.First()).Authority;
        using var client = new OciRegistryClient(registry, new RegistryCredentials("alice", "wrong"));
        var e = await Assert.ThrowsAsync<MlPipelines.Core.Errors.MlpException>(() => client.GetManifestDigestAsync("team/iris", "v1"));
        Assert.Contains("token service", e.Message);
        Assert.Contains("401", e.Message);
    }
}
