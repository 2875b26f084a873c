using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using MlPipelines.Http;

namespace MlPipelines.Serving.Http;

/// <summary>The JSON body of every non-200 answer: a message for the caller and, for server errors, a correlation id
/// that finds the details in the host's log.</summary>
internal sealed record ErrorBody(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("correlationId")] string? CorrelationId = null);

internal sealed record StatusBody(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("error")] string? Error = null);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(StatusBody))]
internal sealed partial class HostJson : JsonSerializerContext;

internal static class Responses
{
    /// <summary>Writes <c>{"error":…,"correlationId":…}</c>; the id is the client's <c>x-request-id</c> (escaped) or a new one.</summary>
    public static Task WriteErrorAsync(HttpContext ctx, int status, string error, string? correlationId = null)
    {
        correlationId ??= CorrelationId(ctx);
        ctx.Response.StatusCode = status;
        ctx.Response.Headers["x-request-id"] = correlationId;
        return WriteJsonAsync(ctx, JsonSerializer.SerializeToUtf8Bytes(new ErrorBody(error, correlationId), HostJson.Default.ErrorBody));
    }

    public static Task WriteStatusAsync(HttpContext ctx, int status, StatusBody body)
    {
        ctx.Response.StatusCode = status;
        return WriteJsonAsync(ctx, JsonSerializer.SerializeToUtf8Bytes(body, HostJson.Default.StatusBody));
    }

    public static Task WriteJsonAsync(HttpContext ctx, ReadOnlyMemory<byte> utf8Json)
    {
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = utf8Json.Length;
        return ctx.Response.Body.WriteAsync(utf8Json).AsTask();
    }

    /// <summary>The request's correlation id: the client's <c>x-request-id</c> (≤ 128 chars, control characters escaped
    /// so it cannot forge log lines) or a new one.</summary>
    public static string CorrelationId(HttpContext ctx) => CorrelationIds.Of(ctx);
}
