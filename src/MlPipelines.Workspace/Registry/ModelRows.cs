using System.Text.Json;
using MlPipelines.Core.Registry;
using MlPipelines.Workspace.Runs;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Registry;

/// <summary>Reads model versions with their files, tags, metrics, datasets and aliases (children loaded in batches).</summary>
internal static class ModelRows
{
    public const string Columns =
        "m.name, m.version, m.hash, m.flavor, m.signature, m.description, m.created_at, m.created_by, m.run_id, m.pipeline_run_id, m.snapshot_hash, m.environment, m.updated_at, m.source";

    public static List<ModelVersion> Load(DbSession s, string whereAndOrder, params object?[] args)
    {
        var rows = s.Query($"SELECT {Columns} FROM models m {whereAndOrder}", Map, args);
        if (rows.Count == 0) return rows;
        // All versions of one model: range scans of the child tables by name. Otherwise the key list drives primary-key lookups.
        var names = rows.Select(r => r.Name).Distinct().ToList();
        var byName = names.Count == 1 && rows.Count > 1;
        var keys = byName ? names[0] : JsonSerializer.Serialize(rows.Select(r => new object[] { r.Name, r.Version }));
        string From(string table) => byName
            ? $"FROM {table} c WHERE c.name = $p0"
            : s.Dialect.ModelKeysFrom(table);
        var files = Group(s.Query($"SELECT c.name, c.version, c.path, c.hash, c.size {From("model_files")} ORDER BY c.path",
            r => (r.GetString(0), r.GetInt32(1), new ModelFile(r.GetString(2), r.GetString(3), r.GetInt64(4))), keys));
        var tags = Group(s.Query($"SELECT c.name, c.version, c.key, c.value {From("model_tags")}",
            r => (r.GetString(0), r.GetInt32(1), new KeyValuePair<string, string>(r.GetString(2), r.GetString(3))), keys));
        var metrics = Group(s.Query($"SELECT c.name, c.version, c.metric, c.value, c.special {From("model_metrics")}",
            r => (r.GetString(0), r.GetInt32(1), new KeyValuePair<string, double>(r.GetString(2), MetricValues.Decode(r.IsDBNull(3) ? null : r.GetDouble(3), r.GetInt64(4)))), keys));
        var datasets = Group(s.Query($"SELECT c.name, c.version, c.dataset, c.dataset_version {From("model_datasets")} ORDER BY c.dataset, c.dataset_version",
            r => (r.GetString(0), r.GetInt32(1), (r.GetString(2), r.GetInt32(3))), keys));
        var aliases = Group(s.Query($"SELECT c.name, c.version, c.alias {From("model_aliases")} ORDER BY c.alias",
            r => (r.GetString(0), r.GetInt32(1), r.GetString(2)), keys));
        return rows.Select(m =>
        {
            var k = (m.Name, m.Version);
            return m with
            {
                Files = files.GetValueOrDefault(k) ?? [],
                Tags = (tags.GetValueOrDefault(k) ?? []).ToDictionary(StringComparer.Ordinal),
                Metrics = (metrics.GetValueOrDefault(k) ?? []).ToDictionary(StringComparer.Ordinal),
                Lineage = m.Lineage with { Datasets = datasets.GetValueOrDefault(k) ?? [] },
                Aliases = aliases.GetValueOrDefault(k) ?? [],
            };
        }).ToList();
    }

    private static Dictionary<(string, int), List<T>> Group<T>(List<(string Name, int Version, T Item)> items)
    {
        var d = new Dictionary<(string, int), List<T>>();
        foreach (var (n, v, item) in items)
        {
            if (!d.TryGetValue((n, v), out var list)) d[(n, v)] = list = [];
            list.Add(item);
        }
        return d;
    }

    private static ModelVersion Map(System.Data.Common.DbDataReader r) => new()
    {
        Name = r.GetString(0),
        Version = r.GetInt32(1),
        Hash = r.GetString(2),
        Files = [],
        Flavor = r.StrOrNull(3),
        SignatureJson = r.StrOrNull(4),
        Description = r.StrOrNull(5),
        CreatedAt = r.Time(6),
        CreatedBy = r.StrOrNull(7),
        UpdatedAt = r.TimeOrNull(12),
        Source = r.StrOrNull(13),
        Lineage = new ModelLineage
        {
            RunId = r.StrOrNull(8),
            PipelineRunId = r.StrOrNull(9),
            SnapshotHash = r.StrOrNull(10),
            Environment = r.StrOrNull(11),
        },
    };
}
