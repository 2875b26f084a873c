using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace MlPipelines.Mlflow.Protocol;

/// <summary>An answer written straight to the response with a <see cref="Utf8JsonWriter"/> (MLflow's field names, int64 as numbers).</summary>
public sealed class MlflowJsonResult(int status, Action<Utf8JsonWriter> write) : IResult
{
    /// <summary>An empty success answer, <c>{}</c>.</summary>
    public static MlflowJsonResult Empty { get; } = new(200, w => { w.WriteStartObject(); w.WriteEndObject(); });

    /// <summary>A 200 answer.</summary>
    public static MlflowJsonResult Ok(Action<Utf8JsonWriter> write) => new(200, write);

    /// <summary>The error body <c>{"error_code": …, "message": …}</c> with the code's status.</summary>
    public static MlflowJsonResult Error(MlflowException e) => new(e.Status, w =>
    {
        w.WriteStartObject();
        w.WriteString("error_code", e.ErrorCode);
        w.WriteString("message", e.Message);
        w.WriteEndObject();
    });

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter);
        write(writer);
        await writer.FlushAsync(httpContext.RequestAborted);
    }
}
