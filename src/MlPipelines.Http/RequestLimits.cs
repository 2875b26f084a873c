using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MlPipelines.Http;

/// <summary>
/// Request-line and header limits enforced by the application, so an over-long URL (414) or oversized headers (431)
/// get the usual JSON error body. Kestrel's own limits are set to <see cref="KestrelHardLimitBytes"/>: only a request
/// beyond that is rejected by Kestrel itself, before any application code runs, with an empty body.
/// </summary>
public static class RequestLimits
{
    /// <summary>Longest accepted path and query, in characters (Kestrel's usual request-line limit).</summary>
    public const int MaxTargetLength = 8 * 1024;

    /// <summary>Largest accepted total of header names and values, in characters (Kestrel's usual header limit).</summary>
    public const int MaxHeadersLength = 32 * 1024;

    /// <summary>Kestrel's request-line and header limits: beyond these Kestrel answers 414/431 with no body.</summary>
    public const int KestrelHardLimitBytes = 128 * 1024;

    /// <summary>Raises Kestrel's limits so the application can answer 414/431 itself.</summary>
    public static void Configure(KestrelServerLimits limits)
    {
        limits.MaxRequestLineSize = KestrelHardLimitBytes;
        limits.MaxRequestHeadersTotalSize = KestrelHardLimitBytes;
    }

    /// <summary>The status and message when <paramref name="request"/> breaks a limit, else null.</summary>
    public static (int Status, string Message)? Check(HttpRequest request)
    {
        var target = (request.PathBase.Value?.Length ?? 0) + (request.Path.Value?.Length ?? 0) + (request.QueryString.Value?.Length ?? 0);
        if (target > MaxTargetLength)
            return (StatusCodes.Status414UriTooLong, $"The request URL is {target} characters long; the limit is {MaxTargetLength}.");
        long headers = 0;
        foreach (var (name, values) in request.Headers)
        {
            headers += name.Length;
            foreach (var v in values) headers += v?.Length ?? 0;
        }
        return headers > MaxHeadersLength
            ? (StatusCodes.Status431RequestHeaderFieldsTooLarge, $"The request headers are {headers} characters long; the limit is {MaxHeadersLength}.")
            : null;
    }

    /// <summary>The message of a status answered without a body by routing (404, 405) or by Kestrel.</summary>
    public static string MessageFor(int status, HttpRequest request) => status switch
    {
        404 => $"No such path '{LogText.Escape(request.Path.Value ?? "/")}'.",
        405 => $"Method {request.Method} is not allowed on '{LogText.Escape(request.Path.Value ?? "/")}'.",
        _ => $"The request failed with status {status}.",
    };
}
