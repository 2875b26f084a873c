using System.Text.Json;
using MlPipelines.Core.Errors;

namespace MlPipelines.Workspace.Remote.Http;

/// <summary>Calls the remote stores need beyond JSON in and out: streamed bodies with a JSON answer, HEAD, streamed answers.</summary>
internal static class RemoteConnectionExtensions
{
    /// <summary>Sends a (repeatable) body with retries and reads the JSON answer.</summary>
    public static T SendJson<T>(this RemoteConnection http, HttpMethod method, string path, Func<HttpContent?> content)
    {
        using var response = http.Send(method, path, content, write: true);
        using var stream = response.Content.ReadAsStream();
        return JsonSerializer.Deserialize<T>(stream, WireJson.Client)
            ?? throw MlpException.Failed($"The server answered an empty body where a {typeof(T).Name} was expected ({method} {path}).");
    }

    /// <summary>HEAD: true on 2xx, false on 404.</summary>
    public static bool Head(this RemoteConnection http, string path)
    {
        try
        {
            http.Send(HttpMethod.Head, path, () => null, write: false).Dispose();
            return true;
        }
        catch (MlpException e) when (e.Kind == ErrorKind.NotFound) { return false; }
    }

    /// <summary>GET whose answer is read as a stream (headers first); the caller disposes the response.</summary>
    public static HttpResponseMessage GetStreamed(this RemoteConnection http, string path, Action<HttpRequestMessage>? decorate = null) =>
        http.Send(HttpMethod.Get, path, () => null, write: false, HttpCompletionOption.ResponseHeadersRead, decorate);
}
