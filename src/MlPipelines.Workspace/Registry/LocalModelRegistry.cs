using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Core.Registry;
using MlPipelines.Core.Runs;
using MlPipelines.Workspace.Artifacts;
using MlPipelines.Workspace.Files;
using MlPipelines.Workspace.Runs;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Registry;

/// <summary>
/// The model registry. Versions are allocated inside an immediate transaction (one writer at a time across
/// processes), so concurrent registrations get distinct versions; files are content-addressed.
/// </summary>
internal sealed partial class LocalModelRegistry(StoreDb db, LocalArtifactStore artifacts, FileIngest ingest, LocalRunStore runs, LocalWorkspaceOptions options) : IModelRegistry
{
    public ModelVersion Register(NewModelVersion request)
    {
        var name = Names.Validate("model", request.Name);
        foreach (var k in request.Tags.Keys) Names.ValidateKey("tag", k);
        var files = CollectFiles(request);
        var source = request.Source ?? (request.RunOutputPath is { } output ? $"runs:/{request.RunId}/{ArtifactPaths.Normalize("output", output)}" : null);
        var hash = FileIngest.SetHash(files.Select(f => (f.Path, f.Hash)));
        RunInfo? run = request.RunId is null ? null : runs.GetRun(request.RunId);
        var parent = run?.ParentRunId is { } pid ? runs.FindRun(pid) : null;
        var datasets = run is null ? [] : runs.GetDatasetInputs(run.Id).Concat(parent is null ? [] : runs.GetDatasetInputs(parent.Id)).Distinct().ToList();
        var environment = request.Environment ?? run?.Tags.GetValueOrDefault("mlp.environment") ?? parent?.Tags.GetValueOrDefault("mlp.environment");
        var version = db.Write(s =>
        {
            // A counter per name, so a deleted version's number is never handed out again.
            var now = DateTimeOffset.UtcNow;
            s.Exec("INSERT INTO model_names(name, last_version) VALUES($p0, 0) ON CONFLICT(name) DO NOTHING", name);
            s.Exec("""
                INSERT INTO registered_models(name, created_at, updated_at, created_by) VALUES($p0, $p1, $p1, $p2)
                ON CONFLICT(name) DO UPDATE SET updated_at = excluded.updated_at
                """, name, now, request.CreatedBy ?? options.User);
            var next = (int)s.Long("UPDATE model_names SET last_version = last_version + 1 WHERE name = $p0 RETURNING last_version", name)!.Value;
            s.Exec("""
                INSERT INTO models(name, version, hash, flavor, signature, description, created_at, created_by, run_id, pipeline_run_id, snapshot_hash, environment, source)
                VALUES($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11, $p12)
                """, name, next, hash, request.Flavor, request.SignatureJson, request.Description, now,
                request.CreatedBy ?? options.User, run?.Id, parent?.Id, run?.SnapshotHash ?? parent?.SnapshotHash, environment, source);
            var insertFile = s.Prepared("INSERT INTO model_files(name, version, path, hash, size) VALUES($p0, $p1, $p2, $p3, $p4)", 5);
            foreach (var f in files)
            {
                insertFile.Parameters[0].Value = name;
                insertFile.Parameters[1].Value = next;
                insertFile.Parameters[2].Value = f.Path;
                insertFile.Parameters[3].Value = f.Hash;
                insertFile.Parameters[4].Value = f.Size;
                insertFile.ExecuteNonQuery();
            }
            foreach (var (k, v) in request.Tags)
                s.Exec("INSERT INTO model_tags(name, version, key, value) VALUES($p0, $p1, $p2, $p3)", name, next, k, v);
            foreach (var (metric, value) in run?.LatestMetrics ?? new Dictionary<string, double>())
            {
                var (encoded, special) = MetricValues.Encode(value);
                s.Exec("INSERT INTO model_metrics(name, version, metric, value, special) VALUES($p0, $p1, $p2, $p3, $p4)", name, next, metric, encoded, special);
            }
            foreach (var (dataset, dv) in datasets)
                s.Exec("INSERT INTO model_datasets(name, version, dataset, dataset_version) VALUES($p0, $p1, $p2, $p3)", name, next, dataset, dv);
            return next;
        });
        return Get(new ModelRef(name, version, null));
    }

    private List<ModelFile> CollectFiles(NewModelVersion request)
    {
        if (new object?[] { request.RunOutputPath, request.LocalPath, request.Files }.Count(x => x is not null) != 1)
            throw MlpException.Invalid($"Registering model '{request.Name}' needs exactly one source: --run RUN_ID --path OUTPUT_PATH, or a local --path.");
        // A version without files keeps only its source (an MLflow source URI the workspace does not hold).
        if (request.Files is { Count: 0 } && request.Source is not null) return [];
        if (request.Files is { } stored)
            return StoredFileManifest.Check("model", request.Name, stored.Select(f => new ManifestEntry(f.Path, f.Hash, f.Size)), artifacts)
                .Select(f => new ModelFile(f.Path, f.Hash, f.Size)).ToList();
        if (request.LocalPath is { } local)
        {
            var (found, _, warnings) = FileIngest.Enumerate(local);
            foreach (var w in warnings) request.OnWarning?.Invoke(w);
            return ingest.Ingest(found, store: true).Select(f => new ModelFile(f.Path, f.Hash, f.Size)).ToList();
        }
        if (request.RunId is null)
            throw MlpException.Invalid($"Registering model '{request.Name}' from output path '{request.RunOutputPath}' needs the run id (--run).");
        var prefix = ArtifactPaths.Normalize("output", request.RunOutputPath);
        var outputs = runs.GetOutputs(request.RunId);
        var exact = outputs.Where(o => o.Path == prefix).ToList();
        var files = exact.Count > 0
            ? exact.Select(o => new ModelFile(Path.GetFileName(o.Path), o.Hash, o.Size)).ToList()
            : outputs.Where(o => o.Path.StartsWith(prefix + "/", StringComparison.Ordinal))
                .Select(o => new ModelFile(o.Path[(prefix.Length + 1)..], o.Hash, o.Size)).ToList();
        if (files.Count == 0)
        {
            var list = outputs.Count == 0 ? "it has no outputs" : "its outputs: " + string.Join(", ", outputs.Take(30).Select(o => $"'{o.Path}'"));
            throw MlpException.Invalid($"Run '{request.RunId}' has no output '{prefix}' (file or folder); {list}.");
        }
        return files;
    }

    public ModelVersion Get(ModelRef reference) => db.Read(s =>
    {
        if (reference.Alias is { } alias)
        {
            var v = s.Long("SELECT version FROM model_aliases WHERE name = $p0 AND alias = $p1", reference.Name, alias);
            if (v is null)
            {
                EnsureModel(s, reference.Name);
                throw MlpException.NotFound("alias", $"{reference.Name}@{alias}",
                    s.Query("SELECT name || '@' || alias || ' (v' || version || ')' FROM model_aliases WHERE name = $p0 ORDER BY alias", r => r.GetString(0), reference.Name));
            }
            return ModelRows.Load(s, "WHERE m.name = $p0 AND m.version = $p1", reference.Name, v)[0];
        }
        var rows = reference.Version is { } version
            ? ModelRows.Load(s, "WHERE m.name = $p0 AND m.version = $p1", reference.Name, version)
            : ModelRows.Load(s, "WHERE m.name = $p0 ORDER BY m.version DESC LIMIT 1", reference.Name);
        if (rows.Count > 0) return rows[0];
        EnsureModel(s, reference.Name);
        throw MlpException.NotFound("model version", reference.ToString(),
            s.Query("SELECT name || ':' || version FROM models WHERE name = $p0 ORDER BY version", r => r.GetString(0), reference.Name));
    });

    public IReadOnlyList<ModelVersion> List() => db.Read(s =>
        ModelRows.Load(s, "WHERE m.version = (SELECT MAX(version) FROM models x WHERE x.name = m.name) ORDER BY m.name"));

    public IReadOnlyList<ModelVersion> Versions(string name) => db.Read(s =>
    {
        var rows = ModelRows.Load(s, "WHERE m.name = $p0 ORDER BY m.version", name);
        if (rows.Count == 0) EnsureModel(s, name);
        return rows;
    });

    public void Delete(string name, int version) => db.Write(s =>
    {
        if (s.Long("SELECT COUNT(*) FROM models WHERE name = $p0 AND version = $p1", name, version) == 0)
        {
            EnsureModel(s, name);
            throw MlpException.NotFound("model version", $"{name}:{version}",
                s.Query("SELECT name || ':' || version FROM models WHERE name = $p0 ORDER BY version", r => r.GetString(0), name));
        }
        var aliases = s.Query("SELECT alias FROM model_aliases WHERE name = $p0 AND version = $p1 ORDER BY alias", r => r.GetString(0), name, version);
        if (aliases.Count > 0)
            throw MlpException.Conflict($"Model '{name}:{version}' cannot be deleted: alias {string.Join(", ", aliases.Select(a => $"'{a}'"))} points at it. Move or delete the alias first.");
        var deployments = s.Query("SELECT endpoint || '/' || name FROM deployments WHERE model = $p0 AND model_version = $p1 ORDER BY 1", r => r.GetString(0), name, version);
        if (deployments.Count > 0)
            throw MlpException.Conflict($"Model '{name}:{version}' cannot be deleted: deployment {string.Join(", ", deployments.Select(d => $"'{d}'"))} uses it.");
        s.Exec("DELETE FROM models WHERE name = $p0 AND version = $p1", name, version);
        s.Exec("UPDATE registered_models SET updated_at = $p1 WHERE name = $p0", name, DateTimeOffset.UtcNow);
    });

    public void Download(ModelRef reference, string outputDir)
    {
        var model = Get(reference);
        Directory.CreateDirectory(outputDir);
        foreach (var f in model.Files) artifacts.CopyTo(f.Hash, ArtifactPaths.ResolveUnder(outputDir, "model file", f.Path));
    }

    private static void EnsureModel(DbSession s, string name)
    {
        if (s.Long("SELECT COUNT(*) FROM registered_models WHERE name = $p0", name) == 0)
            throw MlpException.NotFound("model", name, s.Query("SELECT name FROM registered_models ORDER BY name", r => r.GetString(0)));
    }
}
