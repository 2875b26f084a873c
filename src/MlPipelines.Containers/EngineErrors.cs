using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Docker.DotNet;
using MlPipelines.Core.Errors;

namespace MlPipelines.Containers;

/// <summary>
/// Turns what Docker.DotNet throws into <see cref="MlpException"/>s that quote the engine's message: an API error keeps
/// its status (404 → NotFound, 409 → Conflict, others → Failed), a broken connection becomes Unavailable naming the
/// engine address. Cancellation passes through unchanged.
/// </summary>
internal static class EngineErrors
{
    /// <summary>Runs <paramref name="call"/>, translating its failure; <paramref name="what"/> names the operation ("Starting container 'x'").</summary>
    public static async Task<T> Call<T>(DockerEndpoint endpoint, string what, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(endpoint, what, e) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>Like <see cref="Call{T}"/> for calls without a result.</summary>
    public static Task Call(DockerEndpoint endpoint, string what, Func<Task> call) =>
        Call(endpoint, what, async () => { await call().ConfigureAwait(false); return true; });

    /// <summary>The status code of an API error, or null for other failures.</summary>
    public static HttpStatusCode? Status(Exception e) => e is DockerApiException api ? api.StatusCode : null;

    /// <summary>The engine's message in an API error body (<c>{"message": …}</c>), else the body itself.</summary>
    public static string EngineMessage(DockerApiException e)
    {
        var body = e.ResponseBody ?? "";
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("message", out var m) && m.GetString() is { } text) return text.Trim();
        }
        catch (JsonException) { }
        return body.Trim();
    }

    private static MlpException? Translate(DockerEndpoint endpoint, string what, Exception e)
    {
        switch (e)
        {
            case MlpException or OperationCanceledException:
                return null;
            case DockerApiException api:
                var text = $"{what} failed: the Docker engine answered {(int)api.StatusCode}: {EngineMessage(api)}";
                return api.StatusCode switch
                {
                    HttpStatusCode.NotFound => new MlpException(ErrorKind.NotFound, text, api),
                    HttpStatusCode.Conflict => new MlpException(ErrorKind.Conflict, text, api),
                    _ => MlpException.Failed(text, api),
                };
            case HttpRequestException or IOException or SocketException or AggregateException or TimeoutException:
                return MlpException.Unavailable($"{what} failed: the Docker engine at '{endpoint.Address}' is not reachable ({Innermost(e).Message}).", e);
            default:
                return null;
        }
    }

    /// <summary>The innermost exception (socket errors arrive wrapped once or twice).</summary>
    public static Exception Innermost(Exception e)
    {
        while (e.InnerException is { } inner) e = inner;
        return e;
    }
}
