using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace MlPipelines.Endpoints.Routing;

/// <summary>Copies headers between the incoming request / outgoing response and the upstream messages, dropping hop-by-hop headers.</summary>
internal static class ProxyHeaders
{
    public const string PinHeader = "azureml-model-deployment";

    private static readonly HashSet<string> SkippedRequest = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Authorization", "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade",
        "Proxy-Authorization", "Proxy-Connection", "Content-Length", Scoring.Hosting.ScoringHostCommandLine.InstanceSecretHeader,
    };

    private static readonly HashSet<string> SkippedResponse = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Trailer", "Upgrade", "Proxy-Connection", PinHeader,
    };

    /// <summary>A copy of the request headers worth forwarding (taken before the request ends, so mirrors can reuse it).</summary>
    public static KeyValuePair<string, StringValues>[] Capture(IHeaderDictionary headers)
    {
        var list = new KeyValuePair<string, StringValues>[headers.Count];
        var n = 0;
        foreach (var h in headers)
            if (!SkippedRequest.Contains(h.Key)) list[n++] = h;
        return n == list.Length ? list : list[..n];
    }

    public static void Apply(KeyValuePair<string, StringValues>[] headers, HttpRequestMessage message)
    {
        foreach (var (key, values) in headers)
        {
            HttpHeaders target = key.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) ? message.Content?.Headers! : message.Headers;
            if (target is null) continue;
            if (values.Count == 1) target.TryAddWithoutValidation(key, values[0]);
            else target.TryAddWithoutValidation(key, (IEnumerable<string?>)values);
        }
    }

    public static void CopyResponse(HttpResponseMessage upstream, HttpResponse response)
    {
        foreach (var h in upstream.Headers.NonValidated)
            if (!SkippedResponse.Contains(h.Key)) response.Headers[h.Key] = ToStringValues(h.Value);
        foreach (var h in upstream.Content.Headers.NonValidated)
            response.Headers[h.Key] = ToStringValues(h.Value);
    }

    private static StringValues ToStringValues(HeaderStringValues values)
    {
        if (values.Count == 1) return new StringValues(values.ToString());
        var array = new string[values.Count];
        var i = 0;
        foreach (var v in values) array[i++] = v;
        return new StringValues(array);
    }
}
