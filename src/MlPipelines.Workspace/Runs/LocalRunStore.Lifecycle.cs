using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Runs;

/// <summary>Renaming and soft deletion of experiments and runs, and experiment tags. Deletion only sets <c>deleted_at</c>: nothing is erased.</summary>
internal sealed partial class LocalRunStore
{
    public void RenameExperiment(string name, string newName)
    {
        Names.Validate("experiment", newName);
        db.Write(s =>
        {
            var id = ExperimentKey(s, name);
            if (name == newName) return;
            if (s.Long("SELECT id FROM experiments WHERE name = $p0", newName) is not null)
                throw MlpException.Conflict($"Cannot rename experiment '{name}' to '{newName}': an experiment named '{newName}' already exists.");
            s.Exec("UPDATE experiments SET name = $p1 WHERE id = $p0", id, newName);
        });
    }

    public void DeleteExperiment(string name) => db.Write(s =>
        s.Exec("UPDATE experiments SET deleted_at = $p1 WHERE id = $p0 AND deleted_at IS NULL", ExperimentKey(s, name), Now));

    public void RestoreExperiment(string name) => db.Write(s =>
        s.Exec("UPDATE experiments SET deleted_at = NULL WHERE id = $p0", ExperimentKey(s, name)));

    public void SetExperimentTags(string name, IReadOnlyDictionary<string, string> values)
    {
        foreach (var k in values.Keys) Names.Validate("tag", k);
        db.Write(s =>
        {
            var id = ExperimentKey(s, name);
            foreach (var (k, v) in values) UpsertExperimentTag(s, id, k, v);
        });
    }

    public void DeleteExperimentTag(string name, string key) => db.Write(s =>
    {
        var id = ExperimentKey(s, name);
        if (s.Exec("DELETE FROM experiment_tags WHERE experiment_id = $p0 AND name = $p1", id, key) == 0)
            throw MlpException.NotFound($"tag of experiment '{name}'", key,
                s.Query("SELECT name FROM experiment_tags WHERE experiment_id = $p0 ORDER BY name", r => r.GetString(0), id));
    });

    public void RenameRun(string runId, string newName)
    {
        Names.Validate("run", newName);
        db.Write(s => s.Exec("UPDATE runs SET name = $p1 WHERE key = $p0", KeyOf(s, runId), newName));
    }

    public void DeleteRun(string runId) => db.Write(s =>
        s.Exec("UPDATE runs SET deleted_at = $p1 WHERE key = $p0 AND deleted_at IS NULL", KeyOf(s, runId), Now));

    public void RestoreRun(string runId) => db.Write(s =>
    {
        var key = KeyOf(s, runId);
        var experiment = s.Query("SELECT e.name FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.key = $p0 AND e.deleted_at IS NOT NULL",
            r => r.GetString(0), key);
        if (experiment.Count > 0)
            throw MlpException.Invalid($"Run '{runId}' cannot be restored while its experiment '{experiment[0]}' is deleted; restore the experiment (which restores its runs).");
        s.Exec("UPDATE runs SET deleted_at = NULL WHERE key = $p0", key);
    });

    private static void UpsertExperimentTag(DbSession s, long experimentId, string key, string value) => s.Exec("""
        INSERT INTO experiment_tags(experiment_id, name, value) VALUES($p0, $p1, $p2)
        ON CONFLICT(experiment_id, name) DO UPDATE SET value = excluded.value
        """, experimentId, key, value);

    private static long ExperimentKey(DbSession s, string name) =>
        s.Long("SELECT id FROM experiments WHERE name = $p0", name)
        ?? throw MlpException.NotFound("experiment", name, s.Query("SELECT name FROM experiments ORDER BY name", r => r.GetString(0)));
}
