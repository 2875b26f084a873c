using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Core.Registry;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Registry;

/// <summary>Models apart from their versions: create by name, description, tags, rename, delete with every version.</summary>
internal sealed partial class LocalModelRegistry
{
    public RegisteredModel CreateModel(string name, string? description, IReadOnlyDictionary<string, string> tags, string who)
    {
        Names.Validate("model", name);
        foreach (var k in tags.Keys) Names.Validate("tag", k);
        return db.Write(s =>
        {
            if (s.Long("SELECT COUNT(*) FROM registered_models WHERE name = $p0", name) > 0)
                throw MlpException.Conflict($"Model '{name}' already exists; register a new version of it, or choose another name.");
            var now = DateTimeOffset.UtcNow;
            s.Exec("INSERT INTO registered_models(name, description, created_at, updated_at, created_by) VALUES($p0, $p1, $p2, $p2, $p3)",
                name, description, now, Who(who));
            foreach (var (k, v) in tags) s.Exec("INSERT INTO registered_model_tags(name, key, value) VALUES($p0, $p1, $p2)", name, k, v);
            return LoadModels(s, name)[0];
        });
    }

    public RegisteredModel GetModel(string name) => db.Read(s =>
    {
        EnsureModel(s, name);
        return LoadModels(s, name)[0];
    });

    public IReadOnlyList<RegisteredModel> Models() => db.Read(s => LoadModels(s, null));

    public RegisteredModel UpdateModel(string name, string? description) => db.Write(s =>
    {
        EnsureModel(s, name);
        s.Exec("UPDATE registered_models SET description = $p1, updated_at = $p2 WHERE name = $p0", name, description, DateTimeOffset.UtcNow);
        return LoadModels(s, name)[0];
    });

    public void SetModelTag(string name, string key, string value)
    {
        Names.Validate("tag", key);
        db.Write(s =>
        {
            EnsureModel(s, name);
            s.Exec("INSERT INTO registered_model_tags(name, key, value) VALUES($p0, $p1, $p2) ON CONFLICT(name, key) DO UPDATE SET value = excluded.value",
                name, key, value);
            s.Exec("UPDATE registered_models SET updated_at = $p1 WHERE name = $p0", name, DateTimeOffset.UtcNow);
        });
    }

    public void DeleteModelTag(string name, string key) => db.Write(s =>
    {
        EnsureModel(s, name);
        if (s.Exec("DELETE FROM registered_model_tags WHERE name = $p0 AND key = $p1", name, key) == 0)
            throw MlpException.NotFound("tag", $"{key}' on '{name}", // reads: Unknown tag 'k' on 'churn'; available: …
                s.Query("SELECT key FROM registered_model_tags WHERE name = $p0 ORDER BY key", r => r.GetString(0), name));
        s.Exec("UPDATE registered_models SET updated_at = $p1 WHERE name = $p0", name, DateTimeOffset.UtcNow);
    });

    public RegisteredModel RenameModel(string name, string newName)
    {
        Names.Validate("model", newName);
        return db.Write(s =>
        {
            EnsureModel(s, name);
            if (newName == name) return LoadModels(s, name)[0];
            if (s.Long("SELECT COUNT(*) FROM registered_models WHERE name = $p0", newName) > 0)
                throw MlpException.Conflict($"Model '{name}' cannot be renamed to '{newName}': a model of that name exists.");
            if (s.Long("SELECT last_version FROM model_names WHERE name = $p0", newName) is > 0 and var used)
                throw MlpException.Conflict($"Model '{name}' cannot be renamed to '{newName}': versions up to {used} were registered under that name before, "
                    + "and version numbers are never reused under a name; choose another name.");
            var deployments = s.Query("SELECT endpoint || '/' || name FROM deployments WHERE model = $p0 ORDER BY 1", r => r.GetString(0), name);
            if (deployments.Count > 0)
                throw MlpException.Conflict($"Model '{name}' cannot be renamed: deployment {string.Join(", ", deployments.Select(d => $"'{d}'"))} uses it.");
            // Copy the parent rows under the new name, move every child row, then drop the old parents.
            s.Exec("""
                INSERT INTO registered_models(name, description, created_at, updated_at, created_by)
                SELECT $p1, description, created_at, $p2, created_by FROM registered_models WHERE name = $p0
                """, name, newName, DateTimeOffset.UtcNow);
            s.Exec("UPDATE registered_model_tags SET name = $p1 WHERE name = $p0", name, newName);
            s.Exec($"""
                INSERT INTO models({ModelColumns}) SELECT $p1, {ModelColumns[(ModelColumns.IndexOf(',') + 1)..]} FROM models WHERE name = $p0
                """, name, newName);
            foreach (var table in new[] { "model_files", "model_tags", "model_metrics", "model_datasets", "model_aliases", "alias_history" })
                s.Exec($"UPDATE {table} SET name = $p1 WHERE name = $p0", name, newName);
            // Both names keep their counter: neither hands out a number it gave before.
            s.Exec("INSERT INTO model_names(name, last_version) SELECT $p1, last_version FROM model_names WHERE name = $p0", name, newName);
            s.Exec("DELETE FROM models WHERE name = $p0", name);
            s.Exec("DELETE FROM registered_models WHERE name = $p0", name);
            return LoadModels(s, newName)[0];
        });
    }

    public void DeleteModel(string name) => db.Write(s =>
    {
        EnsureModel(s, name);
        var aliases = s.Query("SELECT alias || ' (v' || version || ')' FROM model_aliases WHERE name = $p0 ORDER BY alias", r => r.GetString(0), name);
        if (aliases.Count > 0)
            throw MlpException.Conflict($"Model '{name}' cannot be deleted: alias {string.Join(", ", aliases.Select(a => $"'{a}'"))} points at a version. Delete the aliases first.");
        var deployments = s.Query("SELECT endpoint || '/' || name FROM deployments WHERE model = $p0 ORDER BY 1", r => r.GetString(0), name);
        if (deployments.Count > 0)
            throw MlpException.Conflict($"Model '{name}' cannot be deleted: deployment {string.Join(", ", deployments.Select(d => $"'{d}'"))} uses a version of it.");
        s.Exec("DELETE FROM models WHERE name = $p0", name);
        s.Exec("DELETE FROM registered_models WHERE name = $p0", name);
    });

    // Every column of 'models', name first (the rename copies rows under a new name).
    private const string ModelColumns =
        "name, version, hash, flavor, signature, description, created_at, created_by, run_id, pipeline_run_id, snapshot_hash, environment, updated_at, source";

    /// <summary>One model (<paramref name="name"/>) or all, with tags, latest version and aliases.</summary>
    private static List<RegisteredModel> LoadModels(DbSession s, string? name)
    {
        var where = name is null ? "" : "WHERE r.name = $p0";
        var args = name is null ? Array.Empty<object?>() : [name];
        var models = s.Query($"""
            SELECT r.name, r.description, r.created_at, r.updated_at, r.created_by, (SELECT MAX(m.version) FROM models m WHERE m.name = r.name)
            FROM registered_models r {where} ORDER BY r.name
            """, r => new RegisteredModel
        {
            Name = r.GetString(0), Description = r.StrOrNull(1), CreatedAt = r.Time(2), UpdatedAt = r.Time(3), CreatedBy = r.StrOrNull(4),
            LatestVersion = (int?)r.LongOrNull(5),
        }, args);
        var childWhere = name is null ? "" : "WHERE name = $p0";
        var tags = s.Query($"SELECT name, key, value FROM registered_model_tags {childWhere}", r => (r.GetString(0), r.GetString(1), r.GetString(2)), args)
            .ToLookup(t => t.Item1);
        var aliases = s.Query($"SELECT name, alias, version FROM model_aliases {childWhere} ORDER BY alias", r => (r.GetString(0), r.GetString(1), r.GetInt32(2)), args)
            .ToLookup(a => a.Item1);
        return models.Select(m => m with
        {
            Tags = tags[m.Name].ToDictionary(t => t.Item2, t => t.Item3, StringComparer.Ordinal),
            Aliases = aliases[m.Name].ToDictionary(a => a.Item2, a => a.Item3, StringComparer.Ordinal),
        }).ToList();
    }
}
