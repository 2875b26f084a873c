using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MlPipelines.Endpoints.Tests.Support;

namespace MlPipelines.Endpoints.Tests;

/// <summary>Issue 10 "Endpoints fail safe", router side: client mistakes are 4xx answered by the router and not counted
/// against the deployment; every error has a JSON body with a correlation id.</summary>
public sealed class RouterFailSafeTests
{
    private static Dictionary<string, int> Map(params (string, int)[] items) => items.ToDictionary(i => i.Item1, i => i.Item2);

    [Fact]
    public async Task Route_BodyOverLimit_Returns413AndIsNoDeploymentError()
    {
        await using var h = await RouterHarness.StartAsync(Map(("blue", 1)), Map(("blue", 100)));
        h.Router.Update(h.Config(Map(("blue", 100))) with { MaxRequestBodyBytes = 1000 });
        var big = new string('1', 5000);

        using var sized = h.Score();
        sized.Content = new StringContent(big);
        using var sizedResponse = await h.Http.SendAsync(sized);
        using var chunked = h.Score();
        chunked.Content = new StreamContent(new NonSeekable(Encoding.UTF8.GetBytes(big))); // no length: chunked
        using var chunkedResponse = await h.Http.SendAsync(chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, sizedResponse.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedResponse.StatusCode);
        AssertJsonError(await sizedResponse.Content.ReadAsStringAsync(), "limit of 1000 bytes");
        AssertJsonError(await chunkedResponse.Content.ReadAsStringAsync(), "limit of 1000 bytes");
        Assert.Equal(0, h.Router.GetStats().Deployments.Single().Errors);
        Assert.Equal((200, "blue"), await h.InvokeAsync());
    }

    [Fact]
    public async Task Route_BadChunkedEncoding_Returns400AndIsNoDeploymentError()
    {
        await using var h = await RouterHarness.StartAsync(Map(("blue", 1)), Map(("blue", 100)));
        var (status, body) = await RawBadChunkedAsync(h.Router.Address, RouterHarness.Key);
        Assert.Equal(400, status);
        AssertJsonError(body, "Bad request");
        Assert.Equal(0, h.Router.GetStats().Deployments.Single().Errors);
        Assert.Equal((200, "blue"), await h.InvokeAsync());
    }

    [Fact]
    public async Task Route_EveryRouterError_HasJsonBodyWithCorrelationId()
    {
        await using var h = await RouterHarness.StartAsync(Map(("blue", 1)), Map(("blue", 0)));
        var responses = new List<HttpResponseMessage>
        {
            await h.Http.SendAsync(h.Score(key: null)),                                  // 401
            await h.Http.SendAsync(h.Score(pin: "purple")),                              // 404
            await h.Http.SendAsync(h.Score()),                                           // 503
        };
        var admin = new HttpRequestMessage(HttpMethod.Get, h.Router.Address + "/__mlp/nope");
        admin.Headers.Authorization = new("Bearer", RouterHarness.Key);
        responses.Add(await h.Http.SendAsync(admin));                                     // 404
        responses.Add(await h.Http.GetAsync(h.Router.Address + "/score?q=" + new string('a', 10_000))); // 414
        var headers = new HttpRequestMessage(HttpMethod.Get, h.Router.Address + "/score");
        headers.Headers.TryAddWithoutValidation("x-big", new string('b', 40_000));
        responses.Add(await h.Http.SendAsync(headers));                                   // 431
        Assert.Equal([401, 404, 503, 404, 414, 431], responses.Select(r => (int)r.StatusCode));
        foreach (var r in responses)
        {
            var text = await r.Content.ReadAsStringAsync();
            AssertJsonError(text, "");
            Assert.Equal(JsonDocument.Parse(text).RootElement.GetProperty("correlationId").GetString(), r.Headers.GetValues("x-request-id").Single());
            r.Dispose();
        }
    }

    internal static void AssertJsonError(string body, string contains)
    {
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Contains(contains, root.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("correlationId").GetString()), body);
    }

    /// <summary>POST /score with a chunk-size line that is not hex; returns the status and body of the answer.</summary>
    internal static async Task<(int Status, string Body)> RawBadChunkedAsync(string address, string? key)
    {
        var uri = new Uri(address);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var stream = tcp.GetStream();
        var auth = key is null ? "" : $"Authorization: Bearer {key}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /score HTTP/1.1\r\nHost: {uri.Authority}\r\n{auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
            "5\r\n{\"x\":\r\nzz-not-hex\r\n[1]}\r\n0\r\n\r\n"));
        await stream.FlushAsync();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var text = await reader.ReadToEndAsync();
        var status = int.Parse(text.Split(' ', 3)[1]);
        var bodyStart = text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        var body = text[bodyStart..];
        if (text[..bodyStart].Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
            body = body[(body.IndexOf("\r\n", StringComparison.Ordinal) + 2)..body.LastIndexOf("\r\n0\r\n", StringComparison.Ordinal)];
        return (status, body);
    }

    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
