using MlPipelines.Workspace.Sql;

namespace MlPipelines.Server.Store;

/// <summary>Whether an audited request succeeded.</summary>
public enum AuditOutcome
{
    /// <summary>The operation was carried out.</summary>
    Succeeded,
    /// <summary>The caller lacked a role allowing the action.</summary>
    Denied,
    /// <summary>The caller was not authenticated (missing, unknown, expired or revoked token).</summary>
    Unauthenticated,
    /// <summary>The operation was allowed but failed (bad input, not found, conflict).</summary>
    Failed,
}

/// <summary>One audit record: who did what to which target, when, and how it ended.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset Time, string Principal, string Action, string Target, AuditOutcome Outcome,
    string? Detail, string? CorrelationId);

/// <summary>Append-only log of writes, sign-ins and role changes.</summary>
public sealed class AuditLog
{
    private readonly ServerDb _db;
    private readonly TimeProvider _time;

    internal AuditLog(ServerDb db, TimeProvider time) { _db = db; _time = time; }

    /// <summary>Appends an entry (durable when this returns); appends never wait for other writers.</summary>
    public void Record(string principal, string action, string target, AuditOutcome outcome, string? detail = null, string? correlationId = null) =>
        _db.WriteConcurrent(d => d.Exec("INSERT INTO audit(ts, principal, action, target, outcome, detail, correlation_id) VALUES($p0, $p1, $p2, $p3, $p4, $p5, $p6)",
            _time.GetUtcNow(), principal, action, target, outcome.ToString(), detail, correlationId));

    /// <summary>Entries at or after <paramref name="since"/>, oldest first, at most <paramref name="max"/> (the newest ones).</summary>
    public IReadOnlyList<AuditEntry> List(DateTimeOffset? since = null, int max = 1000) => _db.Read(d => d.Query(
        "SELECT * FROM (SELECT id, ts, principal, action, target, outcome, detail, correlation_id FROM audit WHERE ts >= $p0 ORDER BY id DESC LIMIT $p1) newest ORDER BY id",
        r => new AuditEntry(r.GetInt64(0), r.Time(1), r.GetString(2), r.GetString(3), r.GetString(4), Enum.Parse<AuditOutcome>(r.GetString(5)),
            r.StrOrNull(6), r.StrOrNull(7)),
        since?.ToUnixTimeMilliseconds() ?? long.MinValue, Math.Clamp(max, 1, 100_000)));
}
