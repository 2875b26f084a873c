using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace MlPipelines.Endpoints.Routing;

/// <summary>
/// What is forwarded of an incoming request: method, path+query, headers and body. Bodies up to
/// <see cref="MaxBufferedBytes"/> with a known length are buffered, which makes them replayable (retry, mirror);
/// larger or chunked bodies are streamed once.
/// </summary>
internal sealed class IncomingRequest
{
    public const int MaxBufferedBytes = 1 << 20;

    private IncomingRequest(HttpMethod method, string pathAndQuery, KeyValuePair<string, StringValues>[] headers, byte[]? body, Stream? stream)
    {
        Method = method;
        PathAndQuery = pathAndQuery;
        Headers = headers;
        Body = body;
        Stream = stream;
    }

    public HttpMethod Method { get; }
    public string PathAndQuery { get; }
    public KeyValuePair<string, StringValues>[] Headers { get; }
    public byte[]? Body { get; }
    public Stream? Stream { get; }
    /// <summary>True when the request can be sent again (no body, or a buffered one).</summary>
    public bool Replayable => Stream is null;

    public static async ValueTask<IncomingRequest> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var method = HttpMethod.Parse(request.Method);
        var pathAndQuery = request.QueryString.HasValue ? request.Path.Value + request.QueryString.Value : request.Path.Value ?? "/";
        var headers = ProxyHeaders.Capture(request.Headers);
        var length = request.ContentLength;
        if (length == 0 || (length is null && !request.Headers.TransferEncoding.Any(v => v?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)))
            return new IncomingRequest(method, pathAndQuery, headers, null, null);
        if (length is { } n && n <= MaxBufferedBytes)
        {
            var buffer = new byte[n];
            await request.Body.ReadExactlyAsync(buffer, ct);
            return new IncomingRequest(method, pathAndQuery, headers, buffer, null);
        }
        return new IncomingRequest(method, pathAndQuery, headers, null, request.Body);
    }

    /// <summary>A fresh upstream message for one attempt against <paramref name="baseAddress"/>.</summary>
    public HttpRequestMessage ToMessage(string baseAddress, string? instanceSecret)
    {
        var message = new HttpRequestMessage(Method, baseAddress + PathAndQuery)
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (Body is not null) message.Content = new ByteArrayContent(Body);
        else if (Stream is not null) message.Content = new StreamContent(Stream);
        ProxyHeaders.Apply(Headers, message);
        if (instanceSecret is not null) message.Headers.TryAddWithoutValidation(Scoring.Hosting.ScoringHostCommandLine.InstanceSecretHeader, instanceSecret);
        return message;
    }
}
