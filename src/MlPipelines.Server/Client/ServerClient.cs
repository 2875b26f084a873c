using MlPipelines.Workspace.Remote;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MlPipelines.Core.Errors;
using MlPipelines.Server.Hosting;

namespace MlPipelines.Server.Client;

/// <summary>
/// A thin JSON client of the server's admin API for the CLI. Failures become <see cref="MlpException"/>s carrying the
/// server's message (401 and 403 are InvalidInput: the caller must fix the token or get a role).
/// </summary>
public sealed class ServerClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = CreateJson();
    private readonly HttpClient _http;

    /// <summary>A client of <paramref name="login"/>'s server with its token and trust.</summary>
    public ServerClient(ServerLogin login)
    {
        _http = new HttpClient(ServerTrust.CreateHandler(login.CaCert)) { BaseAddress = new Uri(login.Url), Timeout = TimeSpan.FromSeconds(100) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.Token);
    }

    /// <summary>GET, answering the JSON body.</summary>
    public Task<JsonElement> GetAsync(string path, CancellationToken ct = default) => Send(new HttpRequestMessage(HttpMethod.Get, path), ct);

    /// <summary>POST a JSON body (an object, or a raw JSON string sent as is).</summary>
    public Task<JsonElement> PostAsync(string path, object body, CancellationToken ct = default) => Send(new HttpRequestMessage(HttpMethod.Post, path)
    {
        Content = body is string raw ? new StringContent(raw, Encoding.UTF8, "application/json") : JsonContent.Create(body, options: Json),
    }, ct);

    /// <summary>DELETE.</summary>
    public Task<JsonElement> DeleteAsync(string path, CancellationToken ct = default) => Send(new HttpRequestMessage(HttpMethod.Delete, path), ct);

    private async Task<JsonElement> Send(HttpRequestMessage request, CancellationToken ct)
    {
        HttpResponseMessage response;
        try { response = await _http.SendAsync(request, ct); }
        catch (HttpRequestException e)
        {
            var hint = e.InnerException is System.Security.Authentication.AuthenticationException
                ? " The server's certificate is not trusted: pass --ca-cert FILE (the server's dev-cert.pem) or set MLP_CA_CERT." : "";
            throw MlpException.Unavailable($"Cannot reach the server at '{_http.BaseAddress}': {e.Message}.{hint}", e);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode)
                return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
            var message = TryError(text) ?? $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
            throw response.StatusCode switch
            {
                HttpStatusCode.NotFound => new MlpException(ErrorKind.NotFound, message),
                HttpStatusCode.Conflict => MlpException.Conflict(message),
                >= HttpStatusCode.InternalServerError => MlpException.Unavailable($"The server failed: {message}"),
                _ => MlpException.Invalid(message),
            };
        }
    }

    private static string? TryError(string text)
    {
        try { return JsonDocument.Parse(text).RootElement.GetProperty("error").GetString(); }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException) { return null; }
    }

    private static JsonSerializerOptions CreateJson()
    {
        var o = new JsonSerializerOptions();
        ServerHost.Configure(o);
        return o;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
