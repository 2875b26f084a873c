using System.Net;
using System.Text.Json;

namespace MlPipelines.Serving.Tests;

public sealed class DotnetScorerHostTests
{
    private const string Signature = """{"inputs":[{"name":"x","type":"double[]"}],"outputs":[{"name":"y","type":"double"}]}""";

    [Fact]
    public async Task Score_ValidJson_ReturnsScorerResult()
    {
        await using var host = await RunningHost.StartAsync(RunningHost.Dotnet(RunningHost.NewModelDir(factor: 2)));
        using var r = await host.ScoreAsync("""{"x":[1,2,3.5]}""");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("application/json", r.Content.Headers.ContentType!.MediaType);
        Assert.Equal("""{"y":13}""", await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Score_Scorer_LoadedInIsolatedContextSharingAbstractions()
    {
        await using var host = await RunningHost.StartAsync(RunningHost.Dotnet(RunningHost.NewModelDir()));
        using var r = await host.ScoreAsync("""{"whoami":true}""");
        var root = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("mlp-scorer:MlPipelines.TestScorer.dll", root.GetProperty("scorerContext").GetString());
        Assert.Equal("Default", root.GetProperty("abstractionsContext").GetString());
    }

    [Fact]
    public async Task Score_InvalidJson_Returns400WithParseError()
    {
        await using var host = await RunningHost.StartAsync(RunningHost.Dotnet(RunningHost.NewModelDir()));
        using var r = await host.ScoreAsync("""{"x":[1,2""");
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var error = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
        Assert.StartsWith("Invalid JSON:", error);
        Assert.Contains("LineNumber", error);
    }

    [Fact]
    public async Task Score_ScorerThrows_Returns500WithCorrelationIdAndDetailsOnlyInLog()
    {
        await using var host = await RunningHost.StartAsync(RunningHost.Dotnet(RunningHost.NewModelDir()));
        using var r = await host.ScoreAsync("""{"fail":true}""");
        Assert.Equal(HttpStatusCode.InternalServerError, r.StatusCode);
        var body = await r.Content.ReadAsStringAsync();
        Assert.DoesNotContain("secret internal detail", body);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("correlationId").GetString()!;
        Assert.Equal(32, id.Length);
        Assert.Equal(id, r.Headers.GetValues("x-request-id").Single());
        var log = host.Log.ToString();
        Assert.Contains(id, log);
        Assert.Contains("secret internal detail", log);
    }

    [Fact]
    public async Task Score_BodyOverLimit_Returns413()
    {
        await using var host = await RunningHost.StartAsync(RunningHost.Dotnet(RunningHost.NewModelDir()) with { MaxBodyBytes = 1000 });
        using var r = await host.ScoreAsync("{\"x\":[" + string.Join(',', Enumerable.Repeat("1", 1000)) + "]}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        using var ok = await host.ScoreAsync("""{"x":[1]}""");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Score_SlowScorer_Returns504AfterTimeout()
    {
        await using var host = await RunningHost.StartAsync(RunningHost.Dotnet(RunningHost.NewModelDir()) with { TimeoutMs = 200 });
        var sw = System.Diagnostics.Stopwatch.StartNew();
        using var r = await host.ScoreAsync("""{"sleepMs":3000}""");
        Assert.Equal(HttpStatusCode.GatewayTimeout, r.StatusCode);
        Assert.True(sw.ElapsedMilliseconds < 2500, $"took {sw.ElapsedMilliseconds} ms"); // answered while the scorer still blocks
        Assert.Contains("correlationId", await r.Content.ReadAsStringAsync());
        using var next = await host.ScoreAsync("""{"x":[1]}""");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task Score_OverMaxConcurrency_Returns429()
    {
        await using var host = await RunningHost.StartAsync(RunningHost.Dotnet(RunningHost.NewModelDir()) with { MaxConcurrency = 2 });
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => host.ScoreAsync("""{"sleepMs":1500}""")));
        var codes = responses.Select(r => (int)r.StatusCode).ToList();
        Assert.True(codes.Contains(429) && codes.Contains(200), string.Join(",", codes));
        Assert.Equal("1", responses.First(r => (int)r.StatusCode == 429).Headers.RetryAfter!.ToString());
    }

    [Fact]
    public async Task Score_WithKeys_RequiresBearerKeyButHealthIsOpen()
    {
        await using var host = await RunningHost.StartAsync(RunningHost.Dotnet(RunningHost.NewModelDir()) with { Keys = ["k1", "k2"] });
        using var none = await host.ScoreAsync("""{"x":[1]}""");
        using var wrong = await host.ScoreAsync("""{"x":[1]}""", "nope");
        using var right = await host.ScoreAsync("""{"x":[1]}""", "k2");
        using var live = await host.Client.GetAsync("/health/live");
        using var metrics = await host.Client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);
    }

    [Fact]
    public async Task Ready_SlowInit_Returns503UntilInitialised()
    {
        var dir = RunningHost.NewModelDir();
        File.WriteAllText(Path.Combine(dir, "init-delay-ms"), "1500");
        await using var host = await RunningHost.StartAsync(RunningHost.Dotnet(dir), waitReady: false);
        using var early = await host.Client.GetAsync("/health/ready");
        using var earlyScore = await host.ScoreAsync("""{"x":[1]}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
        Assert.Contains("starting", await early.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, earlyScore.StatusCode);
        await host.WaitReadyAsync();
        using var late = await host.ScoreAsync("""{"x":[1]}""");
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
    }

    [Fact]
    public async Task Ready_MissingScorerType_ReportsFailureWithReason()
    {
        var options = RunningHost.Dotnet(RunningHost.NewModelDir()) with { ScorerType = "Nope.Missing" };
        await using var host = await RunningHost.StartAsync(options, waitReady: false);
        string body = "";
        for (var i = 0; i < 100 && !body.Contains("failed"); i++)
        {
            await Task.Delay(50);
            using var r = await host.Client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
            body = await r.Content.ReadAsStringAsync();
        }
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error").GetString();
        Assert.Contains("'Nope.Missing'", error);
        Assert.Contains("'MlPipelines.TestScorer.SumScorer'", error);
    }

    [Fact]
    public async Task Schema_SignatureFile_ServedElse404()
    {
        await using var with = await RunningHost.StartAsync(RunningHost.Dotnet(RunningHost.NewModelDir(signature: Signature)));
        await using var without = await RunningHost.StartAsync(RunningHost.Dotnet(RunningHost.NewModelDir()));
        using var a = await with.Client.GetAsync("/schema");
        using var b = await without.Client.GetAsync("/schema");
        Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        Assert.Equal(Signature, await a.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, b.StatusCode);
    }

    [Fact]
    public async Task Metrics_AfterRequests_CountsByStatusAndHistogram()
    {
        await using var host = await RunningHost.StartAsync(RunningHost.Dotnet(RunningHost.NewModelDir()));
        (await host.ScoreAsync("""{"x":[1]}""")).Dispose();
        (await host.ScoreAsync("""{"x":[1]}""")).Dispose();
        (await host.ScoreAsync("not json")).Dispose();
        (await host.ScoreAsync("""{"fail":true}""")).Dispose();
        var text = await host.Client.GetStringAsync("/metrics");
        Assert.Contains("mlp_scoring_requests_total{code=\"200\"} 2\n", text);
        Assert.Contains("mlp_scoring_requests_total{code=\"400\"} 1\n", text);
        Assert.Contains("mlp_scoring_requests_total{code=\"500\"} 1\n", text);
        Assert.Contains("mlp_scoring_errors_total 1\n", text);
        Assert.Contains("mlp_scoring_in_flight 0\n", text);
        Assert.Contains("mlp_scoring_request_duration_seconds_bucket{le=\"+Inf\"} 4\n", text);
        Assert.Contains("mlp_scoring_request_duration_seconds_count 4\n", text);
    }
}
