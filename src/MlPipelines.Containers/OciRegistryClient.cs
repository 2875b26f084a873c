using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MlPipelines.Core.Errors;

namespace MlPipelines.Containers;

/// <summary>
/// A small OCI distribution (registry v2) API client: <c>GET /v2/</c>, manifest digests, tag lists. Handles anonymous,
/// Basic and Bearer-token (<c>WWW-Authenticate: Bearer realm=…,service=…,scope=…</c>) authentication.
/// </summary>
public sealed class OciRegistryClient : IDisposable
{
    private static readonly string[] ManifestTypes =
    [
        "application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.docker.distribution.manifest.v2+json",
    ];

    private readonly HttpClient _http;
    private readonly RegistryCredentials? _credentials;
    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);

    /// <summary>A client of <paramref name="registry"/> (host[:port]). Plain HTTP is used for localhost/127.0.0.1
    /// unless <paramref name="useHttps"/> says otherwise.</summary>
    public OciRegistryClient(string registry, RegistryCredentials? credentials = null, bool? useHttps = null, HttpMessageHandler? handler = null)
    {
        var host = registry.Split(':')[0];
        var https = useHttps ?? !(host is "localhost" or "127.0.0.1" or "[::1]");
        _http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null)
        {
            BaseAddress = new Uri($"{(https ? "https" : "http")}://{registry}/"), Timeout = TimeSpan.FromSeconds(60),
        };
        _credentials = credentials;
        Registry = registry;
    }

    /// <summary>Registry host[:port].</summary>
    public string Registry { get; }

    /// <summary>Checks that the registry speaks the v2 API and the credentials are accepted.</summary>
    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        using var r = await SendAsync(HttpMethod.Get, "v2/", null, null, cancellationToken).ConfigureAwait(false);
        if (!r.IsSuccessStatusCode) throw MlpException.Unavailable($"Registry '{Registry}' answered {(int)r.StatusCode} to GET /v2/.");
    }

    /// <summary>Digest (sha256:…) of <paramref name="repository"/>:<paramref name="reference"/>, or null when absent.</summary>
    public async Task<string?> GetManifestDigestAsync(string repository, string reference, CancellationToken cancellationToken = default)
    {
        using var r = await SendAsync(HttpMethod.Head, $"v2/{repository}/manifests/{reference}", ManifestTypes, Scope(repository), cancellationToken).ConfigureAwait(false);
        if (r.StatusCode == HttpStatusCode.NotFound) return null;
        if (!r.IsSuccessStatusCode) throw MlpException.Failed($"Registry '{Registry}' answered {(int)r.StatusCode} for manifest '{repository}:{reference}'.");
        return r.Headers.TryGetValues("Docker-Content-Digest", out var d) ? d.First() : null;
    }

    /// <summary>Tags of <paramref name="repository"/>; empty when the repository does not exist.</summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(string repository, CancellationToken cancellationToken = default)
    {
        using var r = await SendAsync(HttpMethod.Get, $"v2/{repository}/tags/list", null, Scope(repository), cancellationToken).ConfigureAwait(false);
        if (r.StatusCode == HttpStatusCode.NotFound) return [];
        if (!r.IsSuccessStatusCode) throw MlpException.Failed($"Registry '{Registry}' answered {(int)r.StatusCode} listing tags of '{repository}'.");
        using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        return doc.RootElement.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array
            ? tags.EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static string Scope(string repository) => $"repository:{repository}:pull";

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string[]? accept, string? scope, CancellationToken ct)
    {
        HttpRequestMessage Build(AuthenticationHeaderValue? auth)
        {
            var m = new HttpRequestMessage(method, path);
            foreach (var a in accept ?? []) m.Headers.Accept.ParseAdd(a);
            m.Headers.Authorization = auth;
            return m;
        }

        var key = scope ?? "";
        var first = _tokens.TryGetValue(key, out var cached) ? new AuthenticationHeaderValue("Bearer", cached) : null;
        using (var req = Build(first))
        {
            var r = await _http.SendAsync(req, ct).ConfigureAwait(false);
            if (r.StatusCode != HttpStatusCode.Unauthorized) return r;
            var challenge = r.Headers.WwwAuthenticate.FirstOrDefault();
            r.Dispose();
            var auth = await AuthorizeAsync(challenge, scope, ct).ConfigureAwait(false);
            if (auth is null) throw MlpException.Failed($"Registry '{Registry}' requires credentials for '{path}'; pass --registry-user/--registry-password-stdin or log in with docker.");
            if (auth.Scheme == "Bearer") _tokens[key] = auth.Parameter!;
            using var retry = Build(auth);
            return await _http.SendAsync(retry, ct).ConfigureAwait(false);
        }
    }

    private async Task<AuthenticationHeaderValue?> AuthorizeAsync(AuthenticationHeaderValue? challenge, string? scope, CancellationToken ct)
    {
        if (challenge is null) return null;
        var basic = _credentials is null ? null
            : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_credentials.Username}:{_credentials.Password}")));
        if (challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)) return basic;
        if (!challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)) return null;
        var p = ParseChallenge(challenge.Parameter ?? "");
        if (!p.TryGetValue("realm", out var realm)) return null;
        var query = new List<string>();
        if (p.TryGetValue("service", out var service)) query.Add("service=" + Uri.EscapeDataString(service));
        if ((p.GetValueOrDefault("scope") ?? scope) is { } s) query.Add("scope=" + Uri.EscapeDataString(s));
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Get, realm + (query.Count > 0 ? "?" + string.Join('&', query) : ""));
        tokenRequest.Headers.Authorization = basic;
        using var r = await _http.SendAsync(tokenRequest, ct).ConfigureAwait(false);
        if (!r.IsSuccessStatusCode) throw MlpException.Failed($"Registry '{Registry}' token service '{realm}' answered {(int)r.StatusCode}; check the credentials.");
        using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
        var token = doc.RootElement.TryGetProperty("token", out var t) ? t.GetString()
            : doc.RootElement.TryGetProperty("access_token", out var at) ? at.GetString() : null;
        return token is null ? null : new AuthenticationHeaderValue("Bearer", token);
    }

    internal static Dictionary<string, string> ParseChallenge(string parameter)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < parameter.Length)
        {
            var eq = parameter.IndexOf('=', i);
            if (eq < 0) break;
            var name = parameter[i..eq].Trim().TrimStart(',').Trim();
            string value;
            if (eq + 1 < parameter.Length && parameter[eq + 1] == '"')
            {
                var end = parameter.IndexOf('"', eq + 2);
                if (end < 0) end = parameter.Length;
                value = parameter[(eq + 2)..end];
                i = end + 1;
            }
            else
            {
                var end = parameter.IndexOf(',', eq + 1);
                if (end < 0) end = parameter.Length;
                value = parameter[(eq + 1)..end].Trim();
                i = end;
            }
            result[name] = value;
            while (i < parameter.Length && (parameter[i] == ',' || parameter[i] == ' ')) i++;
        }
        return result;
    }
}
