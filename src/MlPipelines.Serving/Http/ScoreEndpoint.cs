using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MlPipelines.Serving.Scoring;

namespace MlPipelines.Serving.Http;

/// <summary>POST /score: auth, readiness, concurrency, body limit, JSON validation, timeout, error mapping, metrics.</summary>
internal sealed class ScoreEndpoint(
    IScoringBackend backend, ScorerState state, ScoringMetrics metrics, KeyAuthenticator auth, ScoringHostCommandLine options, ILogger<ScoreEndpoint> log)
{
    public async Task HandleAsync(HttpContext ctx)
    {
        var start = Stopwatch.GetTimestamp();
        var inFlight = metrics.Enter();
        int status;
        try
        {
            status = inFlight > options.MaxConcurrency ? await RejectBusyAsync(ctx) : await ProcessAsync(ctx);
        }
        catch (BadHttpRequestException e)
        {
            status = e.StatusCode;
            if (!ctx.Response.HasStarted) await Responses.WriteErrorAsync(ctx, status, e.StatusCode == 413 ? TooLarge : e.Message);
        }
        finally
        {
            metrics.Leave();
        }
        metrics.Record(status, start);
    }

    private string TooLarge => $"The request body exceeds the limit of {options.MaxBodyBytes} bytes.";

    private async Task<int> RejectBusyAsync(HttpContext ctx)
    {
        ctx.Response.Headers.RetryAfter = "1";
        await Responses.WriteErrorAsync(ctx, 429, $"The scoring host is busy ({options.MaxConcurrency} requests in progress); retry later.");
        return 429;
    }

    private async Task<int> ProcessAsync(HttpContext ctx)
    {
        if (!auth.IsAuthorized(ctx.Request))
        {
            ctx.Response.Headers.WWWAuthenticate = "Bearer";
            await Responses.WriteErrorAsync(ctx, 401, "Missing or invalid key; send 'Authorization: Bearer KEY'.");
            return 401;
        }
        if (!state.IsReady)
        {
            await Responses.WriteErrorAsync(ctx, 503, state.Error is null ? "The scorer is still initialising." : "The scorer failed to initialise.");
            return 503;
        }
        var body = ctx.Request.ContentLength > options.MaxBodyBytes ? null : await ReadBodyAsync(ctx.Request.BodyReader, options.MaxBodyBytes);
        if (body is null)
        {
            ctx.Response.Headers.Connection = "close"; // do not drain the rest of an oversize body
            return await Fail(ctx, 413, TooLarge);
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return await Fail(ctx, 400, "Invalid JSON: " + e.Message);
        }

        using var timeout = new CancellationTokenSource(options.TimeoutMs);
        var keepDocument = false;
        try
        {
            var result = await backend.ScoreAsync(doc, body, timeout.Token);
            ctx.Response.StatusCode = 200;
            await Responses.WriteJsonAsync(ctx, result);
            return 200;
        }
        catch (ScoringException e)
        {
            keepDocument = e.Failure == ScoringFailure.Timeout; // the abandoned scorer call may still read it
            var id = CorrelationId(ctx);
            var (status, message) = e.Failure switch
            {
                ScoringFailure.Timeout => (504, $"Scoring did not finish within {options.TimeoutMs} ms."),
                ScoringFailure.WorkerCrashed => (503, "The scoring worker crashed and is being restarted; retry the request."),
                ScoringFailure.NotReady => (503, "The scorer is not ready."),
                _ => (500, "The scorer failed; see the host log for this correlation id."),
            };
            log.LogError("Scoring request {CorrelationId} failed with {Status}: {Details}", id, status, e.Message);
            await Responses.WriteErrorAsync(ctx, status, message, id);
            return status;
        }
        catch (Exception e) when (e is not BadHttpRequestException and not OperationCanceledException)
        {
            var id = CorrelationId(ctx);
            log.LogError(e, "Scoring request {CorrelationId} failed unexpectedly.", id);
            await Responses.WriteErrorAsync(ctx, 500, "The scorer failed; see the host log for this correlation id.", id);
            return 500;
        }
        finally
        {
            if (!keepDocument) doc.Dispose();
        }
    }

    private static async Task<int> Fail(HttpContext ctx, int status, string message)
    {
        await Responses.WriteErrorAsync(ctx, status, message);
        return status;
    }

    private static string CorrelationId(HttpContext ctx) =>
        ctx.Request.Headers["x-request-id"] is { Count: 1 } given && given[0]!.Length <= 128 ? given[0]! : Guid.NewGuid().ToString("n");

    /// <summary>Reads the whole body into an array owned by this request (JsonDocument keeps referring to it), or null when over the limit.</summary>
    private static async ValueTask<byte[]?> ReadBodyAsync(PipeReader reader, long limit)
    {
        while (true)
        {
            var read = await reader.ReadAsync();
            var buffer = read.Buffer;
            if (buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.End);
                return null;
            }
            if (read.IsCompleted)
            {
                var bytes = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return bytes;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
