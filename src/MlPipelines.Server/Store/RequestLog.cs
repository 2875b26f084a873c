using MlPipelines.Core.Errors;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Server.Store;

/// <summary>A response kept for an idempotent request, to be replayed when the same request comes again.</summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="ContentType">The Content-Type of <paramref name="Body"/> ("" when there was none).</param>
/// <param name="Body">The response body as sent.</param>
/// <param name="At">When it was recorded.</param>
public sealed record RecordedResponse(int Status, string ContentType, byte[] Body, DateTimeOffset At);

/// <summary>
/// The idempotency log: the response to each (token, request id) pair, so a retried write is answered from here
/// instead of being applied twice. The first response saved for a pair wins; old entries are pruned.
/// </summary>
public sealed class RequestLog
{
    /// <summary>The longest request id accepted.</summary>
    public const int MaxRequestIdLength = 200;

    private readonly ServerDb _db;
    private readonly TimeProvider _time;

    internal RequestLog(ServerDb db, TimeProvider time) { _db = db; _time = time; }

    /// <summary>The response recorded for this token and request id, or null.</summary>
    public RecordedResponse? Find(string tokenId, string requestId)
    {
        Validate(tokenId, requestId);
        return _db.Read(d => d.Query("SELECT status, content_type, body, created_at FROM request_log WHERE token_id = $p0 AND request_id = $p1",
            r => new RecordedResponse(r.GetInt32(0), r.GetString(1), (byte[])r[2], r.Time(3)), tokenId, requestId).FirstOrDefault());
    }

    /// <summary>Records a response unless one is already recorded for this token and request id (the first one wins).</summary>
    public void Save(string tokenId, string requestId, int status, string contentType, byte[] body)
    {
        Validate(tokenId, requestId);
        if (status is < 100 or > 599) throw MlpException.Invalid($"HTTP status {status} is not valid; expected 100 to 599.");
        ArgumentNullException.ThrowIfNull(body);
        _db.WriteConcurrent(d => d.Exec(
            "INSERT INTO request_log(token_id, request_id, status, content_type, body, created_at) VALUES($p0, $p1, $p2, $p3, $p4, $p5) ON CONFLICT(token_id, request_id) DO NOTHING",
            tokenId, requestId, status, contentType ?? "", body, _time.GetUtcNow()));
    }

    /// <summary>Deletes the entries recorded more than <paramref name="olderThan"/> ago; returns how many.</summary>
    public int Prune(TimeSpan olderThan)
    {
        if (olderThan < TimeSpan.Zero) throw MlpException.Invalid($"The request log keeps entries for a positive time; got {olderThan}.");
        var cutoff = _time.GetUtcNow() - olderThan;
        return _db.WriteConcurrent(d => d.Exec("DELETE FROM request_log WHERE created_at < $p0", cutoff));
    }

    private static void Validate(string tokenId, string requestId)
    {
        if (string.IsNullOrEmpty(tokenId)) throw MlpException.Invalid("The request log needs a token id; got an empty one.");
        if (string.IsNullOrEmpty(requestId) || requestId.Length > MaxRequestIdLength || requestId.Any(char.IsControl))
            throw MlpException.Invalid($"Request id '{(requestId ?? "")[..Math.Min(requestId?.Length ?? 0, 40)]}' is not valid: use 1 to {MaxRequestIdLength} printable characters.");
    }
}
