using System.Text.Json;
using MlPipelines.Core.Compute;
using MlPipelines.Core.Errors;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Compute;

/// <summary>Registered compute targets in the workspace database (SQLite or PostgreSQL).</summary>
internal sealed class LocalComputeStore(StoreDb db) : IComputeStore
{
    private const string Columns = "name, kind, description, max_concurrent, options_json, created_at, created_by";

    public ComputeTargetDefinition Create(ComputeTargetDefinition target)
    {
        var valid = ComputeKinds.Validate(target) with { CreatedAt = target.CreatedAt == default ? DateTimeOffset.UtcNow : target.CreatedAt };
        return db.Write(s =>
        {
            if (s.Long("SELECT COUNT(*) FROM compute_targets WHERE name = $p0", valid.Name) > 0)
                throw MlpException.Conflict($"Compute target '{valid.Name}' exists; delete it first (`mlp compute delete {valid.Name}`) to register it anew.");
            s.Exec($"INSERT INTO compute_targets({Columns}) VALUES($p0, $p1, $p2, $p3, $p4, $p5, $p6)",
                valid.Name, valid.Kind, valid.Description, valid.MaxConcurrent, JsonSerializer.Serialize(valid.Options), valid.CreatedAt, valid.CreatedBy);
            return valid;
        });
    }

    public ComputeTargetDefinition? Find(string name) => db.Read(s =>
        s.Query($"SELECT {Columns} FROM compute_targets WHERE name = $p0", Map, name).FirstOrDefault());

    public IReadOnlyList<ComputeTargetDefinition> List() => db.Read(s =>
        s.Query($"SELECT {Columns} FROM compute_targets ORDER BY name", Map));

    public bool Delete(string name) => db.Write(s => s.Exec("DELETE FROM compute_targets WHERE name = $p0", name) > 0);

    private static ComputeTargetDefinition Map(System.Data.Common.DbDataReader r) => new()
    {
        Name = r.GetString(0),
        Kind = r.GetString(1),
        Description = r.StrOrNull(2),
        MaxConcurrent = r.LongOrNull(3) is { } n ? (int)n : null,
        Options = new SortedDictionary<string, string>(JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(4)) ?? [], StringComparer.Ordinal),
        CreatedAt = r.Time(5),
        CreatedBy = r.StrOrNull(6),
    };
}
