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
        db.Write(s =>
        {
            var key = KeyOf(s, runId);
            InsertMetricRows(s, key, points);
            foreach (var p in latest.Values)
            {
                var (value, special) = MetricValues.Encode(p.Value);
                s.Exec("""
                    INSERT INTO latest_metrics(run_key, name, value, special, step, ts) VALUES($p0, $p1, $p2, $p3, $p4, $p5)
                    ON CONFLICT(run_key, name) DO UPDATE SET value = excluded.value, special = excluded.special, step = excluded.step, ts = excluded.ts
                    WHERE excluded.step > latest_metrics.step OR (excluded.step = latest_metrics.step AND excluded.ts >= latest_metrics.ts)
                    """, key, p.Name, value, special, p.Step, p.Timestamp.ToUnixTimeMilliseconds());
            }
        });
    }

    private static void InsertMetricRows(DbSession s, long key, IReadOnlyList<MetricPoint> points)
    {
        foreach (var group in points.GroupBy(p => p.Name, StringComparer.Ordinal))
        {
            var list = group.ToList();
            s.Exec("INSERT INTO metric_chunks(run_key, name, count, points) VALUES($p0, $p1, $p2, $p3)", key, group.Key, list.Count, MetricChunks.Encode(list));
        }
    }

    public IReadOnlyList<MetricPoint> GetMetrics(string runId, string? name = null) => db.Read(s =>
    {
        var key = KeyOf(s, runId);
        var points = new List<MetricPoint>();
        var chunks = name is null
            ? s.Query("SELECT name, points FROM metric_chunks WHERE run_key = $p0 ORDER BY id", r => (r.GetString(0), (byte[])r.GetValue(1)), key)
            : s.Query("SELECT name, points FROM metric_chunks WHERE run_key = $p0 AND name = $p1 ORDER BY id", r => (r.GetString(0), (byte[])r.GetValue(1)), key, name);
        foreach (var (n, blob) in chunks) MetricChunks.Decode(n, blob, points);
        // Rows written by schema 1-2 (one row per point).
        static MetricPoint Map(System.Data.Common.DbDataReader r) => new(r.GetString(0),
            MetricValues.Decode(r.IsDBNull(1) ? null : r.GetDouble(1), r.GetInt64(2)), r.GetInt64(3), r.Time(4));
        points.AddRange(name is null
            ? s.Query("SELECT name, value, special, step, ts FROM metrics WHERE run_key = $p0", Map, key)
            : s.Query("SELECT name, value, special, step, ts FROM metrics WHERE run_key = $p0 AND name = $p1", Map, key, name));
        // Stable sort: points of equal step and time keep the order they were logged in.
        return points.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Step).ThenBy(p => p.Timestamp).ToList();
    });

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
