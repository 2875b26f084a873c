using System.Text.Json;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Runs;

/// <summary>Datasets described by the client that logged them (MLflow log-inputs), kept apart from the workspace's own dataset inputs.</summary>
internal sealed partial class LocalRunStore
{
    public void AddExternalDatasetInputs(string runId, IReadOnlyList<ExternalDatasetInput> inputs)
    {
        foreach (var i in inputs)
        {
            foreach (var (field, value) in new[] { ("name", i.Name), ("digest", i.Digest), ("source type", i.SourceType), ("source", i.Source) })
                if (string.IsNullOrEmpty(value)) throw MlpException.Invalid($"A dataset input of run '{runId}' needs a {field}{(field == "name" ? "" : $" (dataset '{i.Name}')")}.");
        }
        db.Write(s =>
        {
            var key = KeyOf(s, runId);
            foreach (var i in inputs)
                s.Exec("""
                    INSERT INTO run_external_datasets(run_key, name, digest, source_type, source, data_schema, data_profile, tags_json)
                    VALUES($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7) ON CONFLICT(run_key, name, digest) DO NOTHING
                    """, key, i.Name, i.Digest, i.SourceType, i.Source, i.Schema, i.Profile, JsonSerializer.Serialize(i.Tags));
        });
    }

    public IReadOnlyDictionary<string, IReadOnlyList<ExternalDatasetInput>> GetExternalDatasetInputs(IReadOnlyCollection<string> runIds)
    {
        if (runIds.Count == 0) return new Dictionary<string, IReadOnlyList<ExternalDatasetInput>>();
        var rows = db.Read(s => s.Query(
            $"SELECT r.id, c.name, c.digest, c.source_type, c.source, c.data_schema, c.data_profile, c.tags_json {s.Dialect.RunIdsFrom("run_external_datasets")} ORDER BY c.id",
            r => (RunId: r.GetString(0), Input: new ExternalDatasetInput(r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.StrOrNull(5), r.StrOrNull(6))
            {
                Tags = JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(7)) ?? [],
            }), JsonSerializer.Serialize(runIds.Distinct())));
        return rows.GroupBy(x => x.RunId).ToDictionary(g => g.Key, g => (IReadOnlyList<ExternalDatasetInput>)g.Select(x => x.Input).ToList());
    }
}
