using System.Text.Json;
using System.Data.Common;
using MlPipelines.Core.Runs;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Runs;

/// <summary>Reads run rows and their params, tags and latest metrics (batched for listings).</summary>
internal static class RunRows
{
    /// <summary>The run columns every run query selects, in the order <see cref="Map"/> reads them.</summary>
    public const string Columns =
        "r.key, r.id, e.name, r.name, r.status, r.reason, r.kind, r.parent_id, r.created_at, r.started_at, r.ended_at, r.heartbeat_at, r.reused_from, r.snapshot_hash, COALESCE(r.deleted_at, e.deleted_at)";

    public const string From = "runs r JOIN experiments e ON e.id = r.experiment_id";

    public sealed record Row(long Key, RunInfo Info);

    public static Row Map(DbDataReader r, DateTimeOffset now, TimeSpan heartbeatTimeout)
    {
        var status = (RunStatus)r.GetInt32(4);
        var reason = r.StrOrNull(5);
        var started = r.TimeOrNull(9);
        var ended = r.TimeOrNull(10);
        var heartbeat = r.TimeOrNull(11);
        if (status == RunStatus.Running && r.StrOrNull(6) != RunHeartbeat.UnwatchedKind && (heartbeat ?? started ?? r.Time(8)) < now - heartbeatTimeout)
        {
            status = RunStatus.Failed;
            reason = "lost";
            ended = heartbeat ?? started;
        }
        TimeSpan? duration = started is null ? null : (ended ?? now) - started.Value;
        return new Row(r.GetInt64(0), new RunInfo
        {
            Id = r.GetString(1),
            Experiment = r.GetString(2),
            DisplayName = r.GetString(3),
            Status = status,
            StatusReason = reason,
            Kind = r.StrOrNull(6),
            ParentRunId = r.StrOrNull(7),
            CreatedAt = r.Time(8),
            StartedAt = started,
            EndedAt = ended,
            HeartbeatAt = heartbeat,
            Duration = duration,
            ReusedFrom = r.StrOrNull(12),
            SnapshotHash = r.StrOrNull(13),
            DeletedAt = r.TimeOrNull(14),
        });
    }

    /// <summary>Fills params, tags and latest metrics of the given rows with three queries in total (the key list is given to the dialect's batched lookup).</summary>
    public static List<RunInfo> Complete(DbSession s, IReadOnlyList<Row> rows)
    {
        if (rows.Count == 0) return [];
        var keys = JsonSerializer.Serialize(rows.Select(r => r.Key));
        var pars = Group(s.Query($"SELECT c.run_key, c.name, c.value {s.Dialect.RunKeysFrom("params")}",
            r => (r.GetInt64(0), r.GetString(1), r.GetString(2)), keys));
        var tags = Group(s.Query($"SELECT c.run_key, c.name, c.value {s.Dialect.RunKeysFrom("tags")}",
            r => (r.GetInt64(0), r.GetString(1), r.GetString(2)), keys));
        var metrics = new Dictionary<long, Dictionary<string, double>>();
        var points = new Dictionary<long, Dictionary<string, MetricPoint>>();
        foreach (var (key, name, value, step, ts) in s.Query($"SELECT c.run_key, c.name, c.value, c.special, c.step, c.ts {s.Dialect.RunKeysFrom("latest_metrics")}",
                     r => (r.GetInt64(0), r.GetString(1), MetricValues.Decode(r.IsDBNull(2) ? null : r.GetDouble(2), r.GetInt64(3)), r.GetInt64(4), r.GetInt64(5)), keys))
        {
            if (!metrics.TryGetValue(key, out var d)) metrics[key] = d = new Dictionary<string, double>(StringComparer.Ordinal);
            d[name] = value;
            if (!points.TryGetValue(key, out var p)) points[key] = p = new Dictionary<string, MetricPoint>(StringComparer.Ordinal);
            p[name] = new MetricPoint(name, value, step, DateTimeOffset.FromUnixTimeMilliseconds(ts));
        }
        return rows.Select(r => r.Info with
        {
            Params = pars.GetValueOrDefault(r.Key) ?? new Dictionary<string, string>(),
            Tags = tags.GetValueOrDefault(r.Key) ?? new Dictionary<string, string>(),
            LatestMetrics = metrics.GetValueOrDefault(r.Key) ?? new Dictionary<string, double>(),
            LatestPoints = points.GetValueOrDefault(r.Key) ?? new Dictionary<string, MetricPoint>(),
        }).ToList();
    }

    private static Dictionary<long, Dictionary<string, string>> Group(List<(long Key, string Name, string Value)> items)
    {
        var result = new Dictionary<long, Dictionary<string, string>>();
        foreach (var (key, name, value) in items)
        {
            if (!result.TryGetValue(key, out var d)) result[key] = d = new Dictionary<string, string>(StringComparer.Ordinal);
            d[name] = value;
        }
        return result;
    }
}
