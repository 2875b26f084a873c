using System.Globalization;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Core.Runs;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Runs;

/// <summary>Experiments and runs in the workspace database: lifecycle here, recorded data in the other parts.</summary>
internal sealed partial class LocalRunStore(StoreDb db, LocalWorkspaceOptions options) : IRunStore
{
    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    public RunInfo CreateRun(NewRun run)
    {
        var experiment = Names.Validate("experiment", run.Experiment);
        if (run.DisplayName is not null) Names.Validate("run", run.DisplayName);
        foreach (var k in run.Params.Keys) Names.ValidateKey("param", k);
        foreach (var k in run.Tags.Keys) Names.ValidateKey("tag", k);
        if (run.Status.IsTerminal())
            throw MlpException.Invalid($"A run cannot be created with the final status {run.Status}; expected Queued or Running.");
        var id = db.Write(s =>
        {
            if (run.ParentRunId is not null) KeyOf(s, run.ParentRunId);
            var now = Now;
            s.Exec("INSERT INTO experiments(name, created_at) VALUES($p0, $p1) ON CONFLICT(name) DO NOTHING", experiment, now);
            var (expId, deleted) = s.Query("SELECT id, deleted_at FROM experiments WHERE name = $p0", r => (r.GetInt64(0), !r.IsDBNull(1)), experiment)[0];
            if (deleted)
                throw MlpException.Invalid($"Experiment '{experiment}' is deleted; restore it (mlp experiment restore {experiment}) before adding runs to it.");
            var running = run.Status == RunStatus.Running;
            for (var attempt = 0; ; attempt++)
            {
                var runId = RunIds.New(now);
                // An id collision inserts nothing: draw again. (No catch: PostgreSQL would abort the transaction.)
                var inserted = s.Exec("""
                    INSERT INTO runs(id, experiment_id, name, status, kind, parent_id, created_at, started_at, heartbeat_at)
                    VALUES($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p7) ON CONFLICT(id) DO NOTHING
                    """, runId, expId, run.DisplayName ?? runId, run.Status, run.Kind, run.ParentRunId, now, running ? now : null);
                if (inserted == 0)
                {
                    if (attempt < 5) continue;
                    throw MlpException.Conflict($"Could not draw an unused run id after {attempt + 1} attempts.");
                }
                var key = KeyOf(s, runId);
                foreach (var (k, v) in run.Params) InsertParam(s, key, k, v);
                foreach (var (k, v) in run.Tags) s.Exec("INSERT INTO tags(run_key, name, value) VALUES($p0, $p1, $p2)", key, k, v);
                return runId;
            }
        });
        return GetRun(id);
    }

    public RunInfo GetRun(string runId) => FindRun(runId) ?? throw NotFound(runId);

    public RunInfo? FindRun(string runId) => db.Read(s =>
    {
        var now = Now;
        var rows = s.Query($"SELECT {RunRows.Columns} FROM {RunRows.From} WHERE r.id = $p0",
            r => RunRows.Map(r, now, options.HeartbeatTimeout), runId);
        return rows.Count == 0 ? null : RunRows.Complete(s, rows)[0];
    });

    public bool IsDeleted(string runId) => db.Read(s =>
    {
        var rows = s.Query("SELECT CASE WHEN r.deleted_at IS NULL AND e.deleted_at IS NULL THEN 0 ELSE 1 END FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id = $p0",
            r => r.GetInt32(0) == 1, runId);
        return rows.Count == 0 ? throw NotFoundIn(s, runId) : rows[0];
    });

    public IReadOnlyList<Experiment> ListExperiments() => db.Read(s =>
    {
        var tags = new Dictionary<long, Dictionary<string, string>>();
        foreach (var (id, name, value) in s.Query("SELECT experiment_id, name, value FROM experiment_tags", r => (r.GetInt64(0), r.GetString(1), r.GetString(2))))
        {
            if (!tags.TryGetValue(id, out var d)) tags[id] = d = new Dictionary<string, string>(StringComparer.Ordinal);
            d[name] = value;
        }
        return (IReadOnlyList<Experiment>)s.Query("""
            SELECT e.name, e.created_at, (SELECT COUNT(*) FROM runs r WHERE r.experiment_id = e.id),
                   (SELECT MAX(created_at) FROM runs r WHERE r.experiment_id = e.id), e.id, e.deleted_at
            FROM experiments e ORDER BY e.name
            """, r => new Experiment(r.GetString(0), r.Time(1), r.GetInt32(2), r.TimeOrNull(3))
        {
            Id = r.GetInt64(4),
            DeletedAt = r.TimeOrNull(5),
            Tags = tags.GetValueOrDefault(r.GetInt64(4)) ?? new Dictionary<string, string>(),
        });
    });

    public Experiment CreateExperiment(string name, IReadOnlyDictionary<string, string>? tags = null)
    {
        Names.Validate("experiment", name);
        foreach (var k in tags?.Keys ?? []) Names.Validate("tag", k);
        db.Write(s =>
        {
            if (s.Exec("INSERT INTO experiments(name, created_at) VALUES($p0, $p1) ON CONFLICT(name) DO NOTHING", name, Now) == 0)
            {
                var deleted = s.Long("SELECT deleted_at FROM experiments WHERE name = $p0", name) is not null;
                throw MlpException.Conflict($"An experiment named '{name}' already exists{(deleted ? " (deleted; restore it or choose another name)" : "")}.");
            }
            var id = s.Long("SELECT id FROM experiments WHERE name = $p0", name)!.Value;
            foreach (var (k, v) in tags ?? new Dictionary<string, string>()) UpsertExperimentTag(s, id, k, v);
        });
        return ListExperiments().First(e => e.Name == name);
    }

    public void SetStatus(string runId, RunStatus status, string? reason = null) => db.Write(s =>
    {
        var (key, current) = KeyAndStatus(s, runId);
        if (current.IsTerminal())
        {
            if (current == status) return;
            throw MlpException.Conflict($"Run '{runId}' is already {current}; its status cannot change to {status}.");
        }
        var now = Now;
        if (status == RunStatus.Running)
            s.Exec("UPDATE runs SET status = $p1, reason = $p2, started_at = COALESCE(started_at, $p3), heartbeat_at = $p3 WHERE key = $p0", key, status, reason, now);
        else if (status.IsTerminal())
            s.Exec("UPDATE runs SET status = $p1, reason = $p2, ended_at = $p3 WHERE key = $p0", key, status, reason, now);
        else
            s.Exec("UPDATE runs SET status = $p1, reason = $p2 WHERE key = $p0", key, status, reason);
    });

    public void Heartbeat(string runId) => db.Write(s =>
    {
        if (s.Exec("UPDATE runs SET heartbeat_at = $p1 WHERE id = $p0 AND status = $p2", runId, Now, RunStatus.Running) == 0)
            KeyOf(s, runId); // throws NotFound for an unknown run; a non-running run needs no heartbeat
    });

    public void SetReusedFrom(string runId, string originalRunId) => db.Write(s =>
    {
        KeyOf(s, originalRunId);
        s.Exec("UPDATE runs SET reused_from = $p1 WHERE key = $p0", KeyOf(s, runId), originalRunId);
    });

    public void SetSnapshot(string runId, string snapshotHash) =>
        db.Write(s => s.Exec("UPDATE runs SET snapshot_hash = $p1 WHERE key = $p0", KeyOf(s, runId), snapshotHash));

    public void SetProcess(string runId, int processId, string host) =>
        db.Write(s => s.Exec("UPDATE runs SET pid = $p1, host = $p2 WHERE key = $p0", KeyOf(s, runId), processId, host));

    public (int ProcessId, string Host)? GetProcess(string runId) => db.Read(s =>
    {
        var rows = s.Query("SELECT pid, host FROM runs WHERE id = $p0", r => (Pid: r.LongOrNull(0), Host: r.StrOrNull(1)), runId);
        if (rows.Count == 0) throw NotFound(runId);
        return rows[0].Pid is { } pid ? ((int)pid, rows[0].Host ?? "") : ((int, string)?)null;
    });

    internal static long KeyOf(DbSession s, string runId) =>
        s.Long("SELECT key FROM runs WHERE id = $p0", runId) ?? throw NotFoundIn(s, runId);

    private static (long Key, RunStatus Status) KeyAndStatus(DbSession s, string runId)
    {
        var rows = s.Query("SELECT key, status FROM runs WHERE id = $p0", r => (r.GetInt64(0), (RunStatus)r.GetInt32(1)), runId);
        return rows.Count == 0 ? throw NotFoundIn(s, runId) : rows[0];
    }

    private static MlpException NotFoundIn(DbSession s, string runId) =>
        MlpException.NotFound("run", runId, s.Query("SELECT id FROM runs ORDER BY created_at DESC LIMIT 10", r => r.GetString(0)));

    private MlpException NotFound(string runId) => db.Read(s => NotFoundIn(s, runId));

    private static void InsertParam(DbSession s, long key, string name, string value)
    {
        double? num = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;
        s.Exec("INSERT INTO params(run_key, name, value, num) VALUES($p0, $p1, $p2, $p3)", key, name, value, num);
    }
}
