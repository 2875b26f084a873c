using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace MlPipelines.Endpoints.Routing;

/// <summary>JSON error and admin responses written by the router itself.</summary>
internal static class RouterResponses
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task ErrorAsync(HttpContext context, int status, string message)
    {
        if (context.Response.HasStarted) { context.Abort(); return Task.CompletedTask; }
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { error = message }, Json));
    }

    public static Task JsonAsync<T>(HttpContext context, T value)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(value, Json));
    }
}
