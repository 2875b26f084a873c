using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using MlPipelines.Core.Errors;

namespace MlPipelines.Workspace.Remote.Http;

/// <summary>
/// One authenticated HTTPS connection to a workspace server, shared by the remote stores. Every call is retried with
/// exponential back-off and jitter on 429, 502, 503, 504 and connection failures until <see cref="RemoteOptions.GiveUpAfter"/>;
/// writes carry an <c>Idempotency-Key</c> that stays the same across the retries of one call, so a write whose
/// answer was lost is not applied twice. Failures become <see cref="MlpException"/>s with the server's message.
/// </summary>
public sealed class RemoteConnection : IDisposable
{
    /// <summary>The header naming one logical write; the server answers a repeat with the first answer.</summary>
    public const string IdempotencyHeader = "Idempotency-Key";
    private static readonly HttpStatusCode[] Transient = [HttpStatusCode.TooManyRequests, HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout];
    private readonly HttpClient _http;
    private readonly RemoteOptions _options;

    /// <summary>A connection to <paramref name="login"/>'s server.</summary>
    public RemoteConnection(ServerLogin login, RemoteOptions? options = null, HttpMessageHandler? handler = null)
    {
        _options = options ?? new RemoteOptions();
        _http = new HttpClient(handler ?? ServerTrust.CreateHandler(login.CaCert)) { BaseAddress = new Uri(login.Url), Timeout = _options.AttemptTimeout };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.Token);
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("mlp", typeof(RemoteConnection).Assembly.GetName().Version?.ToString(3) ?? "0"));
        Server = login.Url;
    }

    /// <summary>The server's origin.</summary>
    public string Server { get; }

    /// <summary>The retry and batching options.</summary>
    public RemoteOptions Options => _options;

    /// <summary>GET a JSON answer.</summary>
    public T Get<T>(string path) => Read<T>(Send(HttpMethod.Get, path, null, write: false));

    /// <summary>GET a JSON answer, or null on 404.</summary>
    public T? GetOrNull<T>(string path) where T : class
    {
        try { return Get<T>(path); }
        catch (MlpException e) when (e.Kind == ErrorKind.NotFound) { return null; }
    }

    /// <summary>A JSON write (POST/PUT/DELETE) answering JSON.</summary>
    public T Write<T>(HttpMethod method, string path, object? body) => Read<T>(Send(method, path, body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body, WireJson.Client), write: true));

    /// <summary>A JSON write whose answer is not needed.</summary>
    public void Write(HttpMethod method, string path, object? body) =>
        Send(method, path, body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body, WireJson.Client), write: true).Dispose();

    /// <summary>
    /// Sends with retries; <paramref name="content"/> makes the content of each attempt (it is called again per retry, so
    /// it must be repeatable). The caller disposes the successful response.
    /// </summary>
    public HttpResponseMessage Send(HttpMethod method, string path, Func<HttpContent?> content, bool write, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, Action<HttpRequestMessage>? decorate = null)
    {
        var key = write ? Guid.NewGuid().ToString("N") : null;
        var started = DateTime.UtcNow;
        var backoff = _options.FirstBackoff;
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path) { Content = content() };
            if (key is not null) request.Headers.Add(IdempotencyHeader, key);
            decorate?.Invoke(request);
            HttpResponseMessage? response = null;
            string failure;
            TimeSpan? retryAfter = null;
            try
            {
                response = _http.Send(request, completion);
                if (response.IsSuccessStatusCode) return response;
                if (!Transient.Contains(response.StatusCode)) throw ToException(response, path);
                failure = $"HTTP {(int)response.StatusCode} {ErrorMessage(response) ?? response.ReasonPhrase}";
                retryAfter = response.Headers.RetryAfter?.Delta;
                response.Dispose();
            }
            catch (HttpRequestException e) when (e.InnerException is System.Security.Authentication.AuthenticationException)
            {
                throw MlpException.Invalid($"The certificate of the server at '{Server}' is not trusted: pass --ca-cert FILE (the server's dev-cert.pem or your CA) or set MLP_CA_CERT.");
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException { InnerException: TimeoutException })
            {
                response?.Dispose();
                failure = e.Message;
            }
            var elapsed = DateTime.UtcNow - started;
            var wait = retryAfter is { } ra ? Min(ra, _options.MaxBackoff) : Jitter(backoff);
            if (elapsed + wait > _options.GiveUpAfter)
                throw MlpException.Unavailable($"Gave up on the server at '{Server}' after {attempt} attempt(s) over {elapsed.TotalSeconds:0.#} s ({method} {path}): {failure}. Check that 'mlp server' is running and reachable; MLP_REMOTE_GIVE_UP_SECONDS sets how long to keep trying.");
            Thread.Sleep(wait);
            backoff = Min(backoff * 2, _options.MaxBackoff);
        }
    }

    private HttpResponseMessage Send(HttpMethod method, string path, byte[]? json, bool write) =>
        Send(method, path, () => json is null ? null : new ByteArrayContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } }, write);

    private static T Read<T>(HttpResponseMessage response)
    {
        using (response)
        {
            using var stream = response.Content.ReadAsStream();
            return JsonSerializer.Deserialize<T>(stream, WireJson.Client)
                ?? throw MlpException.Failed($"The server answered an empty body where a {typeof(T).Name} was expected.");
        }
    }

    /// <summary>The <see cref="MlpException"/> for a failed response (consumes and disposes it).</summary>
    public MlpException ToException(HttpResponseMessage response, string path)
    {
        using (response)
        {
            var message = ErrorMessage(response) ?? $"HTTP {(int)response.StatusCode} {response.ReasonPhrase} for {path}";
            return response.StatusCode switch
            {
                HttpStatusCode.NotFound => new MlpException(ErrorKind.NotFound, message),
                HttpStatusCode.Conflict => MlpException.Conflict(message),
                HttpStatusCode.Unauthorized => MlpException.Invalid($"{message} (server '{Server}': run 'mlp login {Server}' or set MLP_TOKEN)"),
                >= HttpStatusCode.InternalServerError => MlpException.Unavailable($"The server at '{Server}' failed: {message}"),
                _ => MlpException.Invalid(message),
            };
        }
    }

    private static string? ErrorMessage(HttpResponseMessage response)
    {
        try
        {
            var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or HttpRequestException or IOException) { return null; }
    }

    private static TimeSpan Jitter(TimeSpan t) => t * (0.5 + Random.Shared.NextDouble() / 2);
    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
