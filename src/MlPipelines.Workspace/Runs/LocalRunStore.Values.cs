using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Core.Runs;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Runs;

/// <summary>Params, tags, metrics and logs.</summary>
internal sealed partial class LocalRunStore
{
    public void LogParams(string runId, IReadOnlyDictionary<string, string> values)
    {
        foreach (var k in values.Keys) Names.ValidateKey("param", k);
        db.Write(s =>
        {
            var key = KeyOf(s, runId);
            foreach (var (name, value) in values)
            {
                var existing = s.Text("SELECT value FROM params WHERE run_key = $p0 AND name = $p1", key, name);
                if (existing is null) InsertParam(s, key, name, value);
                else if (existing != value)
                    throw MlpException.Conflict($"Param '{name}' of run '{runId}' is already '{existing}'; params are set once (got '{value}'). Use a tag for values that change.");
            }
        });
    }

    public void SetTags(string runId, IReadOnlyDictionary<string, string> values)
    {
        foreach (var k in values.Keys) Names.ValidateKey("tag", k);
        db.Write(s =>
        {
            var key = KeyOf(s, runId);
            foreach (var (name, value) in values)
                s.Exec("INSERT INTO tags(run_key, name, value) VALUES($p0, $p1, $p2) ON CONFLICT(run_key, name) DO UPDATE SET value = excluded.value", key, name, value);
        });
    }

    public void DeleteTag(string runId, string key) => db.Write(s =>
    {
        var run = KeyOf(s, runId);
        if (s.Exec("DELETE FROM tags WHERE run_key = $p0 AND name = $p1", run, key) == 0)
            throw MlpException.NotFound($"tag of run '{runId}'", key, s.Query("SELECT name FROM tags WHERE run_key = $p0 ORDER BY name", r => r.GetString(0), run));
    });

    public void LogMetrics(string runId, IReadOnlyList<MetricPoint> points)
    {
        if (points.Count == 0) return;
        var latest = new Dictionary<string, MetricPoint>(StringComparer.Ordinal);
        foreach (var p in points)
        {
            if (!latest.TryGetValue(p.Name, out var cur))
            {
                Names.ValidateKey("metric", p.Name);
                latest[p.Name] = p;
            }
            else if (p.Step > cur.Step || (p.Step == cur.Step && p.Timestamp >= cur.Timestamp)) latest[p.Name] = p;
        }
        // An append plus upserts that only ever raise the latest value: no turn with other writers is needed.
        if (db.Dialect.AppendMetricsSql is { } append)
        {
            db.WriteStatement(s => AppendMetrics(s, append, runId, points, latest.Values) == 0 ? throw NotFoundIn(s, runId) : 0);
            return;
        }
        db.WriteConcurrent(s =>
        {
            var key = KeyOf(s, runId);
            InsertMetricRows(s, key, points);
            foreach (var p in latest.Values.OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                var (value, special) = MetricValues.Encode(p.Value);
                s.Exec("""
                    INSERT INTO latest_metrics(run_key, name, value, special, step, ts) VALUES($p0, $p1, $p2, $p3, $p4, $p5)
                    ON CONFLICT(run_key, name) DO UPDATE SET value = excluded.value, special = excluded.special, step = excluded.step, ts = excluded.ts
                    WHERE excluded.step > latest_metrics.step OR (excluded.step = latest_metrics.step AND excluded.ts >= latest_metrics.ts)
                    """, key, p.Name, value, special, p.Step, p.Timestamp.ToUnixTimeMilliseconds());
            }
            return 0;
        });
    }

    // The dialect's one statement: chunk rows and latest values as parallel arrays; answers how many runs matched (0 or 1).
    private static int AppendMetrics(DbSession s, string sql, string runId, IReadOnlyList<MetricPoint> points, IEnumerable<MetricPoint> latest)
    {
        var groups = points.GroupBy(p => p.Name, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        var last = latest.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        var values = last.Select(p => MetricValues.Encode(p.Value)).ToList();
        return s.Query(sql, r => r.GetInt64(0), runId,
            groups.Select(g => g[0].Name).ToArray(), groups.Select(g => g.Count).ToArray(), groups.Select(g => MetricChunks.Encode(g)).ToArray(),
            last.Select(p => p.Name).ToArray(), values.Select(v => v.Value is double d ? d : (double?)null).ToArray(), values.Select(v => (int)v.Special).ToArray(),
            last.Select(p => p.Step).ToArray(), last.Select(p => p.Timestamp.ToUnixTimeMilliseconds()).ToArray()).Count;
    }

    private static void InsertMetricRows(DbSession s, long key, IReadOnlyList<MetricPoint> points)
    {
        foreach (var group in points.GroupBy(p => p.Name, StringComparer.Ordinal))
        {
            var list = group.ToList();
            s.Exec("INSERT INTO metric_chunks(run_key, name, count, points) VALUES($p0, $p1, $p2, $p3)", key, group.Key, list.Count, MetricChunks.Encode(list));
        }
    }

    // One statement (one round trip): a row saying the run exists, its chunks in the order logged, then rows of schema 1-2 (one per point).
    private const string HistorySql = """
        SELECT 0, 0, CAST(NULL AS text), CAST(NULL AS bytea), CAST(NULL AS double precision), CAST(NULL AS integer), CAST(NULL AS bigint), CAST(NULL AS bigint) FROM runs WHERE id = $p0
        UNION ALL SELECT 1, c.id, c.name, c.points, NULL, NULL, NULL, NULL FROM runs r JOIN metric_chunks c ON c.run_key = r.key WHERE r.id = $p0{0}
        UNION ALL SELECT 2, 0, m.name, NULL, m.value, m.special, m.step, m.ts FROM runs r JOIN metrics m ON m.run_key = r.key WHERE r.id = $p0{1}
        ORDER BY 1, 2
        """;

    private static readonly string AllHistory = string.Format(HistorySql, "", "");
    private static readonly string OneHistory = string.Format(HistorySql, " AND c.name = $p1", " AND m.name = $p1");

    public IReadOnlyList<MetricPoint> GetMetrics(string runId, string? name = null) => db.Read(s =>
    {
        var points = new List<MetricPoint>();
        var found = false;
        var rows = name is null ? s.Query(AllHistory, r => ReadHistoryRow(r, points), runId) : s.Query(OneHistory, r => ReadHistoryRow(r, points), runId, name);
        foreach (var kind in rows) found |= kind == 0;
        if (!found) throw NotFoundIn(s, runId);
        // Stable sort: points of equal step and time keep the order they were logged in.
        return points.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Step).ThenBy(p => p.Timestamp).ToList();
    });

    private static int ReadHistoryRow(System.Data.Common.DbDataReader r, List<MetricPoint> into)
    {
        var kind = r.GetInt32(0);
        if (kind == 1) MetricChunks.Decode(r.GetString(2), (byte[])r.GetValue(3), into);
        else if (kind == 2)
            into.Add(new MetricPoint(r.GetString(2), MetricValues.Decode(r.IsDBNull(4) ? null : r.GetDouble(4), r.GetInt64(5)), r.GetInt64(6), r.Time(7)));
        return kind;
    }

    /// <summary>The highest step logged per metric (so a protocol line without a step continues the series).</summary>
    internal IReadOnlyDictionary<string, long> LastSteps(string runId) => db.Read(s =>
        s.Query("SELECT name, step FROM latest_metrics WHERE run_key = $p0", r => (r.GetString(0), r.GetInt64(1)), KeyOf(s, runId))
            .ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal));

    public void AppendLogs(string runId, IReadOnlyList<LogLine> lines)
    {
        if (lines.Count == 0) return;
        db.Write(s =>
        {
            var key = KeyOf(s, runId);
            var at = 0;
            // Many rows per statement: per-statement overhead, not SQLite's b-tree, is most of the cost of one row.
            for (var wide = s.Prepared(WideLogInsert, LogRowsPerInsert * 4 + 1); lines.Count - at >= LogRowsPerInsert; at += LogRowsPerInsert)
                InsertLogs(wide, key, lines, at, LogRowsPerInsert);
            for (var one = s.Prepared(OneLogInsert, 5); at < lines.Count; at++) InsertLogs(one, key, lines, at, 1);
        });
    }

    private const int LogRowsPerInsert = 8;

    private static readonly string WideLogInsert = LogInsert(LogRowsPerInsert);
    private static readonly string OneLogInsert = LogInsert(1);

    private static string LogInsert(int rows) =>
        "INSERT INTO logs(run_key, seq, stream, ts, text) VALUES " +
        string.Join(", ", Enumerable.Range(0, rows).Select(r => $"($p0, $p{r * 4 + 1}, $p{r * 4 + 2}, $p{r * 4 + 3}, $p{r * 4 + 4})")) +
        " ON CONFLICT DO NOTHING";

    private static void InsertLogs(System.Data.Common.DbCommand insert, long key, IReadOnlyList<LogLine> lines, int from, int rows)
    {
        insert.Parameters[0].Value = key;
        for (var r = 0; r < rows; r++)
        {
            var l = lines[from + r];
            insert.Parameters[r * 4 + 1].Value = l.Sequence;
            insert.Parameters[r * 4 + 2].Value = (int)l.Stream;
            insert.Parameters[r * 4 + 3].Value = l.Timestamp.ToUnixTimeMilliseconds();
            insert.Parameters[r * 4 + 4].Value = l.Text;
        }
        insert.ExecuteNonQuery();
    }

    public IReadOnlyList<LogLine> GetLogs(string runId, long afterSequence = -1, int max = int.MaxValue) => db.Read(s =>
        s.Query("SELECT seq, stream, ts, text FROM logs WHERE run_key = $p0 AND seq > $p1 ORDER BY seq LIMIT $p2",
            r => new LogLine(r.GetInt64(0), (LogStream)r.GetInt32(1), r.Time(2), r.GetString(3)), KeyOf(s, runId), afterSequence, max));
}
