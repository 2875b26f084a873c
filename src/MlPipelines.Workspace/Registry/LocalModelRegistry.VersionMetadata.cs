using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Core.Registry;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Registry;

/// <summary>What may change on a version after it is registered: its description and tags (never its files).</summary>
internal sealed partial class LocalModelRegistry
{
    public ModelVersion UpdateVersion(string name, int version, string? description) => db.Write(s =>
    {
        EnsureVersion(s, name, version);
        s.Exec("UPDATE models SET description = $p2, updated_at = $p3 WHERE name = $p0 AND version = $p1", name, version, description, DateTimeOffset.UtcNow);
        return ModelRows.Load(s, "WHERE m.name = $p0 AND m.version = $p1", name, version)[0];
    });

    public void SetVersionTag(string name, int version, string key, string value)
    {
        Names.Validate("tag", key);
        db.Write(s =>
        {
            EnsureVersion(s, name, version);
            s.Exec("INSERT INTO model_tags(name, version, key, value) VALUES($p0, $p1, $p2, $p3) ON CONFLICT(name, version, key) DO UPDATE SET value = excluded.value",
                name, version, key, value);
            s.Exec("UPDATE models SET updated_at = $p2 WHERE name = $p0 AND version = $p1", name, version, DateTimeOffset.UtcNow);
        });
    }

    public void DeleteVersionTag(string name, int version, string key) => db.Write(s =>
    {
        EnsureVersion(s, name, version);
        if (s.Exec("DELETE FROM model_tags WHERE name = $p0 AND version = $p1 AND key = $p2", name, version, key) == 0)
            throw MlpException.NotFound("tag", $"{key}' on '{name}:{version}", // reads: Unknown tag 'k' on 'churn:2'; available: …
                s.Query("SELECT key FROM model_tags WHERE name = $p0 AND version = $p1 ORDER BY key", r => r.GetString(0), name, version));
        s.Exec("UPDATE models SET updated_at = $p2 WHERE name = $p0 AND version = $p1", name, version, DateTimeOffset.UtcNow);
    });

    private static void EnsureVersion(DbSession s, string name, int version)
    {
        if (s.Long("SELECT COUNT(*) FROM models WHERE name = $p0 AND version = $p1", name, version) > 0) return;
        EnsureModel(s, name);
        throw MlpException.NotFound("model version", $"{name}:{version}",
            s.Query("SELECT name || ':' || version FROM models WHERE name = $p0 ORDER BY version", r => r.GetString(0), name));
    }
}
