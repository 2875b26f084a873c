using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace MlPipelines.Endpoints.Routing;

/// <summary>JSON error and admin responses written by the router itself.</summary>
internal static class RouterResponses
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <c>{"error":…,"correlationId":…}</c> (the id is the client's <c>x-request-id</c>, escaped, or a new one,
    /// and is echoed in the <c>x-request-id</c> header); aborts the connection when the status line is already gone.</summary>
    public static Task ErrorAsync(HttpContext context, int status, string message)
    {
        if (context.Response.HasStarted) { context.Abort(); return Task.CompletedTask; }
        var id = MlPipelines.Http.CorrelationIds.Of(context);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["x-request-id"] = id;
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { error = message, correlationId = id }, Json));
    }

    /// <summary>The client-side fault (bad chunked encoding, body over the limit, body ended early) behind
    /// <paramref name="e"/>, or null when the failure is not the client's.</summary>
    public static BadHttpRequestException? ClientFault(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is BadHttpRequestException bad) return bad;
        return null;
    }

    /// <summary>Answers a client fault with its 4xx status (413 names the limit).</summary>
    public static Task ClientFaultAsync(HttpContext context, BadHttpRequestException bad, long maxBodyBytes)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge) context.Response.Headers.Connection = "close";
        return ErrorAsync(context, bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? $"The request body exceeds the endpoint's limit of {maxBodyBytes} bytes."
            : $"Bad request: {bad.Message}");
    }

    public static Task JsonAsync<T>(HttpContext context, T value)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(value, Json));
    }
}
