using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MlPipelines.Scoring.Hosting;
using MlPipelines.Serving.Scoring;

namespace MlPipelines.Serving.Http;

/// <summary>POST /score: auth, readiness, concurrency, body limit, JSON validation, timeout, error mapping, metrics.</summary>
internal sealed class ScoreEndpoint(
    IScoringBackend backend, ScorerState state, ScoringMetrics metrics, KeyAuthenticator auth, ScoringHostCommandLine options, ILogger<ScoreEndpoint> log)
{
    public async Task HandleAsync(HttpContext ctx)
    {
        var start = Stopwatch.GetTimestamp();
        int status;
        try
        {
            status = await ProcessAsync(ctx);
        }
        catch (BadHttpRequestException e)
        {
            status = e.StatusCode;
            if (!ctx.Response.HasStarted) await Responses.WriteErrorAsync(ctx, status, e.StatusCode == 413 ? TooLarge : e.Message, CorrelationId(ctx));
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

        // A slot is taken only now that the whole body is here: slow uploads cannot starve the scorer.
        try
        {
            return metrics.Enter() > options.MaxConcurrency ? await RejectBusyAsync(ctx) : await ScoreAsync(ctx, doc, body);
        }
        finally
        {
            metrics.Leave();
            doc.Dispose();
        }
    }

    private async Task<int> ScoreAsync(HttpContext ctx, JsonDocument doc, byte[] body)
    {

        // Whoever claims the response first answers: the scorer with its result, or the timer with 504. The timer can
        // answer while a synchronous scorer still blocks this thread, so a hung scorer never hangs the client.
        var race = new TimeoutRace(ctx, options.TimeoutMs, this);
        try
        {
            var result = await backend.ScoreAsync(doc, body, race.Token);
            if (!race.TryClaim()) return await race.TimedOutAsync();
            ctx.Response.StatusCode = 200;
            await Responses.WriteJsonAsync(ctx, result);
            return 200;
        }
        catch (ScoringException e) when (e.Failure == ScoringFailure.InputError)
        {
            if (!race.TryClaim()) return await race.TimedOutAsync();
            await Responses.WriteErrorAsync(ctx, 400, e.Message, CorrelationId(ctx));
            return 400;
        }
        catch (ScoringException e)
        {
            if (!race.TryClaim()) return await race.TimedOutAsync();
            var id = CorrelationId(ctx);
            var (status, message) = e.Failure switch
            {
                ScoringFailure.Timeout => (504, TimeoutMessage),
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
            if (!race.TryClaim()) return await race.TimedOutAsync();
            var id = CorrelationId(ctx);
            log.LogError(e, "Scoring request {CorrelationId} failed unexpectedly.", id);
            await Responses.WriteErrorAsync(ctx, 500, "The scorer failed; see the host log for this correlation id.", id);
            return 500;
        }
        finally
        {
            race.Dispose();
        }
    }

    private void LogTimeout(string id) =>
        log.LogError("Scoring request {CorrelationId} failed with 504: the scorer did not return within {Timeout} ms.", id, options.TimeoutMs);

    private string TimeoutMessage => $"Scoring did not finish within {options.TimeoutMs} ms.";

    /// <summary>The timer side of the race between the scorer and the request timeout.</summary>
    private sealed class TimeoutRace : IDisposable
    {
        private readonly CancellationTokenSource _cts = new();
        private readonly CancellationTokenRegistration _registration;
        private readonly TaskCompletionSource<int> _timedOut = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _claimed;

        public TimeoutRace(HttpContext ctx, int timeoutMs, ScoreEndpoint owner)
        {
            _registration = _cts.Token.UnsafeRegister(_ => _ = AnswerTimeoutAsync(ctx, owner), null);
            _cts.CancelAfter(timeoutMs);
        }

        public CancellationToken Token => _cts.Token;

        public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;

        public Task<int> TimedOutAsync() => _timedOut.Task;

        private async Task AnswerTimeoutAsync(HttpContext ctx, ScoreEndpoint owner)
        {
            if (!TryClaim()) return;
            try
            {
                var id = CorrelationId(ctx);
                owner.LogTimeout(id);
                await Responses.WriteErrorAsync(ctx, 504, owner.TimeoutMessage, id);
                await ctx.Response.CompleteAsync(); // the client gets its answer now, even if the scorer still blocks
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or OperationCanceledException) { }
            finally
            {
                _timedOut.TrySetResult(504);
            }
        }

        public void Dispose()
        {
            _registration.Dispose(); // waits for a running timeout answer
            _cts.Dispose();
        }
    }

    private static async Task<int> Fail(HttpContext ctx, int status, string message)
    {
        await Responses.WriteErrorAsync(ctx, status, message, CorrelationId(ctx));
        return status;
    }

    private static string CorrelationId(HttpContext ctx) => Responses.CorrelationId(ctx);

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
