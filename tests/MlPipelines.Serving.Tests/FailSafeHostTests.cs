using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MlPipelines.Scoring.Hosting;

namespace MlPipelines.Serving.Tests;

/// <summary>Issue 10 "Endpoints fail safe", scoring-host side: client mistakes are 4xx with a JSON body, the instance
/// secret, concurrency slots only after the body, escaped log text, http-only URLs.</summary>
public sealed class FailSafeHostTests
{
    [Theory]
    [InlineData("invalid")]
    [InlineData("argument")]
    public async Task Score_ScorerInputError_Returns400WithScorerMessage(string hook)
    {
        await using var host = await RunningHost.StartAsync(RunningHost.Dotnet(RunningHost.NewModelDir()));
        using var r = await host.ScoreAsync($$"""{"{{hook}}":"field 'x' must be a list of numbers"}""");
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var body = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("field 'x' must be a list of numbers", body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("correlationId").GetString()));
        Assert.Contains("mlp_scoring_errors_total 0\n", await host.Client.GetStringAsync("/metrics"));
    }

    [Fact]
    public async Task Request_UnknownPathOrWrongMethod_JsonErrorWithCorrelationId()
    {
        await using var host = await RunningHost.StartAsync(RunningHost.Dotnet(RunningHost.NewModelDir()));
        using var notFound = await host.Client.GetAsync("/nope");
        using var notAllowed = await host.Client.GetAsync("/score");
        foreach (var (r, status) in new[] { (notFound, 404), (notAllowed, 405) })
        {
            Assert.Equal(status, (int)r.StatusCode);
            var body = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
            Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
            Assert.False(string.IsNullOrEmpty(body.GetProperty("correlationId").GetString()));
        }
    }

    [Fact]
    public async Task Request_UrlOrHeadersTooLong_414And431WithJsonBody()
    {
        await using var host = await RunningHost.StartAsync(RunningHost.Dotnet(RunningHost.NewModelDir()));
        using var longUrl = await host.Client.GetAsync("/health/live?q=" + new string('a', 10_000));
        using var req = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        req.Headers.TryAddWithoutValidation("x-big", new string('b', 40_000));
        using var bigHeaders = await host.Client.SendAsync(req);
        Assert.Equal(HttpStatusCode.RequestUriTooLong, longUrl.StatusCode);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, bigHeaders.StatusCode);
        foreach (var r in new[] { longUrl, bigHeaders })
            Assert.True(JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.TryGetProperty("correlationId", out _));
    }

    [Fact]
    public async Task Score_InstanceSecretSet_401WithoutHeaderAndHealthStaysOpen()
    {
        const string secret = "s3cret-0123456789abcdef";
        await using var host = await RunningHost.StartAsync(RunningHost.Dotnet(RunningHost.NewModelDir()) with { InstanceSecret = secret });
        using var without = await host.ScoreAsync("""{"x":[1]}""");
        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/score") { Content = new StringContent("""{"x":[1]}""") };
        wrong.Headers.Add(ScoringHostCommandLine.InstanceSecretHeader, secret + "x");
        using var wrongResponse = await host.Client.SendAsync(wrong);
        using var right = new HttpRequestMessage(HttpMethod.Post, "/score") { Content = new StringContent("""{"x":[1]}""") };
        right.Headers.Add(ScoringHostCommandLine.InstanceSecretHeader, secret);
        using var rightResponse = await host.Client.SendAsync(right);
        using var metrics = await host.Client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Contains("\"error\"", await without.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rightResponse.StatusCode);
        Assert.DoesNotContain(secret, host.Log.ToString());
    }

    [Fact]
    public void Parse_InstanceSecret_ComesOnlyFromEnvironmentAndNeverFromArguments()
    {
        var env = new Dictionary<string, string> { [ScoringHostCommandLine.InstanceSecretEnvironmentVariable] = "abc" };
        var o = ScoringHostCommandLine.Parse(["--model-dir", "m", "--scorer-assembly", "a.dll"], k => env.GetValueOrDefault(k));
        Assert.Equal("abc", o.InstanceSecret);
        Assert.DoesNotContain("abc", o.ToArguments());
        Assert.Equal("abc", o.CreateStartInfo("/h").Environment[ScoringHostCommandLine.InstanceSecretEnvironmentVariable]);
        Assert.Throws<ArgumentException>(() => ScoringHostCommandLine.Parse(["--model-dir", "m", "--instance-secret", "abc"], _ => null));
    }

    [Fact]
    public async Task Score_SlowUploadHoldsTheOnlySlot_OtherRequestStillScored()
    {
        await using var host = await RunningHost.StartAsync(RunningHost.Dotnet(RunningHost.NewModelDir()) with { MaxConcurrency = 1 });
        var address = host.Client.BaseAddress!;
        using var slow = new TcpClient();
        await slow.ConnectAsync(address.Host, address.Port);
        var stream = slow.GetStream();
        // Headers and half of the body, then nothing: the upload is still in progress.
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST /score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n{{\"x\":[1,"));
        await stream.FlushAsync();
        // Give the slow request a chance to reach the endpoint: code that takes the slot on arrival shows it in flight.
        await WaitUntilAsync(async () => (await host.Client.GetStringAsync("/metrics")).Contains("mlp_scoring_in_flight 1\n"));
        using var other = await host.ScoreAsync("""{"x":[1]}""");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Score_ControlCharactersInRequestId_EscapedInLogAndHeader()
    {
        await using var host = await RunningHost.StartAsync(RunningHost.Dotnet(RunningHost.NewModelDir()));
        using var req = new HttpRequestMessage(HttpMethod.Post, "/score") { Content = new StringContent("""{"fail":true}""") };
        req.Headers.TryAddWithoutValidation("x-request-id", "abc\u001b[31mFAKE\u0007");
        using var r = await host.Client.SendAsync(req);
        Assert.Equal(HttpStatusCode.InternalServerError, r.StatusCode);
        var log = host.Log.ToString();
        Assert.DoesNotContain("\u001b", log);
        Assert.DoesNotContain("\u0007", log);
        Assert.Contains("abc\\u001b[31mFAKE\\u0007", log);
        Assert.Equal("abc\\u001b[31mFAKE\\u0007", r.Headers.GetValues("x-request-id").Single());
    }

    [Fact]
    public async Task RunAsync_HttpsUrl_ExitCode2WithClearMessage()
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        int code;
        try
        {
            code = await ScoringHost.RunAsync(["--model-dir", RunningHost.NewModelDir(), "--scorer-assembly", RunningHost.TestScorerPath, "--urls", "https://127.0.0.1:0"]);
        }
        finally
        {
            Console.SetError(original);
        }
        Assert.Equal(2, code);
        Assert.Contains("'https://127.0.0.1:0' uses https", error.ToString());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 40 && !await condition(); i++) await Task.Delay(25);
    }
}
