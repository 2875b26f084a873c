using Microsoft.AspNetCore.Http;
using MlPipelines.Server.Store;
using MlPipelines.Workspace.Remote.Http;

namespace MlPipelines.Server.Api;

/// <summary>
/// Makes writes safe to retry: a write carrying an <c>Idempotency-Key</c> is answered once, and a repeat of the same
/// key by the same token gets the recorded answer (with <c>Idempotent-Replayed: true</c>) instead of being applied
/// again. Answers are kept in the server store for a day, so a retry after a server restart is recognised too.
/// Runs after the access check, so a key is only ever replayed to the token that made it.
/// </summary>
internal sealed class IdempotencyMiddleware(RequestDelegate next, ServerStore store, TimeProvider time)
{
    private const int MaxKeyLength = 128;
    private const int MaxRecordedBody = 256 * 1024;
    private static readonly TimeSpan Keep = TimeSpan.FromDays(1);
    // One gate per key in flight: a retry that arrives while its first attempt still runs waits for it, then replays
    // its answer. Entries are counted and removed by the last user, so the table holds only keys in flight.
    private readonly Dictionary<(string, string), (SemaphoreSlim Gate, int Users)> _gates = new();
    private long _lastPrune;

    public async Task InvokeAsync(HttpContext context)
    {
        var key = context.Request.Headers[RemoteConnection.IdempotencyHeader].ToString();
        if (key.Length == 0 || HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
            || context.Items[typeof(Caller)] is not Caller caller)
        {
            await next(context);
            return;
        }
        if (key.Length > MaxKeyLength || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            await ErrorResponses.Write(context, 400, $"'{RemoteConnection.IdempotencyHeader}' must be 1–{MaxKeyLength} letters, digits, '-' or '_'.");
            return;
        }
        PruneNow();
        var id = (caller.TokenId, key);
        SemaphoreSlim gate;
        lock (_gates)
        {
            var entry = _gates.TryGetValue(id, out var e) ? e : (Gate: new SemaphoreSlim(1, 1), Users: 0);
            _gates[id] = (entry.Gate, entry.Users + 1);
            gate = entry.Gate;
        }
        try
        {
            await gate.WaitAsync(context.RequestAborted);
        }
        catch
        {
            Leave(id);
            throw;
        }
        try
        {
            if (store.Requests.Find(caller.TokenId, key) is { } recorded)
            {
                context.Response.StatusCode = recorded.Status;
                context.Response.Headers["Idempotent-Replayed"] = "true";
                if (recorded.Body.Length > 0)
                {
                    context.Response.ContentType = recorded.ContentType;
                    await context.Response.Body.WriteAsync(recorded.Body, context.RequestAborted);
                }
                return;
            }
            var original = context.Response.Body;
            using var capture = new MemoryStream();
            context.Response.Body = capture;
            try { await next(context); }
            finally { context.Response.Body = original; }
            var status = context.Response.StatusCode;
            // Recorded before the answer leaves, so an answered write is always recognised on retry. (A write killed
            // between its commit and this line is applied again by the retry: at most the one request in flight.)
            // A 5xx or 429 was not applied (or not knowingly): the retry must run again.
            if (status < 500 && status != StatusCodes.Status429TooManyRequests && capture.Length <= MaxRecordedBody)
                store.Requests.Save(caller.TokenId, key, status, context.Response.ContentType ?? "", capture.ToArray());
            capture.Position = 0;
            await capture.CopyToAsync(original, context.RequestAborted);
        }
        finally
        {
            gate.Release();
            Leave(id);
        }
    }

    private void Leave((string, string) id)
    {
        lock (_gates)
        {
            var (gate, users) = _gates[id];
            if (users == 1) { _gates.Remove(id); gate.Dispose(); }
            else _gates[id] = (gate, users - 1);
        }
    }

    private void PruneNow()
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var last = Interlocked.Read(ref _lastPrune);
        if (now - last < 3600 || Interlocked.CompareExchange(ref _lastPrune, now, last) != last) return;
        store.Requests.Prune(Keep);
    }
}
