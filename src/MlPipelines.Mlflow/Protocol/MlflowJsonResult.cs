using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace MlPipelines.Mlflow.Protocol;

/// <summary>
/// An answer written with a <see cref="Utf8JsonWriter"/> (MLflow's field names, int64 as numbers). The JSON is written
/// into a buffer first so the answer carries its <c>Content-Length</c> and a <c>Server-Timing: mlflow;dur=…</c> header:
/// the milliseconds from when the MLflow call began (<see cref="MarkStart"/>: after authentication, before the body is
/// read) to when its answer was complete — the server's own time for the call, without TLS, HTTP and access checks.
/// </summary>
public sealed class MlflowJsonResult(int status, Action<Utf8JsonWriter> write) : IResult
{
    private static readonly object StartKey = new();

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

    /// <summary>Notes on the request when its MLflow call began (the start of the <c>Server-Timing</c> duration).</summary>
    public static void MarkStart(HttpContext context) => context.Items[StartKey] = Stopwatch.GetTimestamp();

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer)) write(writer);
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        if (httpContext.Items.TryGetValue(StartKey, out var start) && start is long t)
            response.Headers["Server-Timing"] = "mlflow;dur=" + Stopwatch.GetElapsedTime(t).TotalMilliseconds.ToString("0.000", CultureInfo.InvariantCulture);
        await response.BodyWriter.WriteAsync(buffer.WrittenMemory, httpContext.RequestAborted);
    }
}
