using MlPipelines.Core.Errors;

using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Sqlite;

/// <summary>
/// The workspace schema as an ordered list of migrations; <c>PRAGMA user_version</c> holds how many were applied.
/// Migrations run forward on open, all pending ones in one transaction. Never edit a shipped migration: append one.
/// </summary>
internal static class Schema
{
    /// <summary>The schema version this code writes and understands.</summary>
    public static int CurrentVersion => Migrations.Length;

    private static readonly string[] Migrations =
    [
        // 1: everything of the first release.
        """
        CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE experiments(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);
        CREATE TABLE runs(
          key INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
          experiment_id INTEGER NOT NULL REFERENCES experiments(id),
          name TEXT NOT NULL, status INTEGER NOT NULL, reason TEXT, kind TEXT, parent_id TEXT,
          created_at INTEGER NOT NULL, started_at INTEGER, ended_at INTEGER, heartbeat_at INTEGER,
          reused_from TEXT, snapshot_hash TEXT, pid INTEGER, host TEXT);
        CREATE INDEX runs_experiment_created ON runs(experiment_id, created_at);
        CREATE INDEX runs_created ON runs(created_at);
        CREATE INDEX runs_parent ON runs(parent_id);
        CREATE TABLE params(run_key INTEGER NOT NULL REFERENCES runs(key) ON DELETE CASCADE, name TEXT NOT NULL,
          value TEXT NOT NULL, num REAL, PRIMARY KEY(run_key, name)) WITHOUT ROWID;
        CREATE INDEX params_name_value ON params(name, value);
        CREATE TABLE tags(run_key INTEGER NOT NULL REFERENCES runs(key) ON DELETE CASCADE, name TEXT NOT NULL,
          value TEXT NOT NULL, PRIMARY KEY(run_key, name)) WITHOUT ROWID;
        CREATE INDEX tags_name_value ON tags(name, value);
        CREATE TABLE metrics(run_key INTEGER NOT NULL REFERENCES runs(key) ON DELETE CASCADE, name TEXT NOT NULL,
          step INTEGER NOT NULL, value REAL, special INTEGER NOT NULL, ts INTEGER NOT NULL);
        CREATE INDEX metrics_run_name_step ON metrics(run_key, name, step);
        CREATE TABLE latest_metrics(run_key INTEGER NOT NULL REFERENCES runs(key) ON DELETE CASCADE, name TEXT NOT NULL,
          value REAL, special INTEGER NOT NULL, step INTEGER NOT NULL, ts INTEGER NOT NULL, PRIMARY KEY(run_key, name)) WITHOUT ROWID;
        CREATE INDEX latest_metrics_name_value ON latest_metrics(name, value);
        CREATE TABLE logs(run_key INTEGER NOT NULL REFERENCES runs(key) ON DELETE CASCADE, seq INTEGER NOT NULL,
          stream INTEGER NOT NULL, ts INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY(run_key, seq)) WITHOUT ROWID;
        CREATE TABLE outputs(run_key INTEGER NOT NULL REFERENCES runs(key) ON DELETE CASCADE, path TEXT NOT NULL,
          hash TEXT NOT NULL, size INTEGER NOT NULL, PRIMARY KEY(run_key, path)) WITHOUT ROWID;
        CREATE TABLE run_tables(id INTEGER PRIMARY KEY, run_key INTEGER NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
          name TEXT NOT NULL, rows_json TEXT NOT NULL, ts INTEGER NOT NULL);
        CREATE INDEX run_tables_run ON run_tables(run_key);
        CREATE TABLE run_images(id INTEGER PRIMARY KEY, run_key INTEGER NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
          name TEXT NOT NULL, path TEXT NOT NULL, hash TEXT NOT NULL, media_type TEXT NOT NULL, ts INTEGER NOT NULL);
        CREATE INDEX run_images_run ON run_images(run_key);
        CREATE TABLE run_datasets(run_key INTEGER NOT NULL REFERENCES runs(key) ON DELETE CASCADE, dataset TEXT NOT NULL,
          version INTEGER NOT NULL, PRIMARY KEY(run_key, dataset, version)) WITHOUT ROWID;

        CREATE TABLE cache_entries(key TEXT PRIMARY KEY, pipeline TEXT NOT NULL, step TEXT NOT NULL, run_id TEXT NOT NULL,
          parts_json TEXT NOT NULL, created_at INTEGER NOT NULL);
        CREATE INDEX cache_entries_step ON cache_entries(pipeline, step, created_at);
        CREATE TABLE file_hashes(path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime INTEGER NOT NULL, inode INTEGER NOT NULL,
          hash TEXT NOT NULL) WITHOUT ROWID;

        CREATE TABLE datastores(name TEXT PRIMARY KEY, kind TEXT NOT NULL, location TEXT NOT NULL, created_at INTEGER NOT NULL);
        CREATE TABLE datasets(name TEXT NOT NULL, version INTEGER NOT NULL, hash TEXT NOT NULL, size INTEGER NOT NULL,
          file_count INTEGER NOT NULL, is_file INTEGER NOT NULL, datastore TEXT NOT NULL REFERENCES datastores(name),
          description TEXT, created_at INTEGER NOT NULL, PRIMARY KEY(name, version));
        CREATE INDEX datasets_hash ON datasets(name, hash);
        CREATE TABLE dataset_files(name TEXT NOT NULL, version INTEGER NOT NULL, path TEXT NOT NULL, hash TEXT NOT NULL,
          size INTEGER NOT NULL, PRIMARY KEY(name, version, path), FOREIGN KEY(name, version) REFERENCES datasets(name, version) ON DELETE CASCADE) WITHOUT ROWID;

        CREATE TABLE models(name TEXT NOT NULL, version INTEGER NOT NULL, hash TEXT NOT NULL, flavor TEXT, signature TEXT,
          description TEXT, created_at INTEGER NOT NULL, created_by TEXT, run_id TEXT, pipeline_run_id TEXT,
          snapshot_hash TEXT, environment TEXT, PRIMARY KEY(name, version));
        CREATE TABLE model_files(name TEXT NOT NULL, version INTEGER NOT NULL, path TEXT NOT NULL, hash TEXT NOT NULL,
          size INTEGER NOT NULL, PRIMARY KEY(name, version, path),
          FOREIGN KEY(name, version) REFERENCES models(name, version) ON DELETE CASCADE) WITHOUT ROWID;
        CREATE TABLE model_tags(name TEXT NOT NULL, version INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
          PRIMARY KEY(name, version, key), FOREIGN KEY(name, version) REFERENCES models(name, version) ON DELETE CASCADE) WITHOUT ROWID;
        CREATE TABLE model_metrics(name TEXT NOT NULL, version INTEGER NOT NULL, metric TEXT NOT NULL, value REAL,
          special INTEGER NOT NULL, PRIMARY KEY(name, version, metric),
          FOREIGN KEY(name, version) REFERENCES models(name, version) ON DELETE CASCADE) WITHOUT ROWID;
        CREATE TABLE model_datasets(name TEXT NOT NULL, version INTEGER NOT NULL, dataset TEXT NOT NULL, dataset_version INTEGER NOT NULL,
          PRIMARY KEY(name, version, dataset, dataset_version),
          FOREIGN KEY(name, version) REFERENCES models(name, version) ON DELETE CASCADE) WITHOUT ROWID;
        CREATE TABLE model_aliases(name TEXT NOT NULL, alias TEXT NOT NULL, version INTEGER NOT NULL,
          PRIMARY KEY(name, alias), FOREIGN KEY(name, version) REFERENCES models(name, version)) WITHOUT ROWID;
        CREATE TABLE alias_history(id INTEGER PRIMARY KEY, name TEXT NOT NULL, alias TEXT NOT NULL, from_version INTEGER,
          to_version INTEGER, who TEXT NOT NULL, at INTEGER NOT NULL, reason TEXT);
        CREATE INDEX alias_history_name ON alias_history(name, id);

        CREATE TABLE images(tag TEXT PRIMARY KEY, context_hash TEXT NOT NULL, model TEXT NOT NULL, model_version INTEGER NOT NULL,
          base_image TEXT NOT NULL, state TEXT NOT NULL, digest TEXT, size INTEGER, build_ms INTEGER, context_path TEXT,
          created_at INTEGER NOT NULL);
        CREATE INDEX images_context ON images(context_hash);
        CREATE TABLE endpoints(name TEXT PRIMARY KEY, auth_mode TEXT NOT NULL, primary_key TEXT NOT NULL, secondary_key TEXT NOT NULL,
          url TEXT, traffic_json TEXT NOT NULL, mirror_json TEXT NOT NULL, created_at INTEGER NOT NULL);
        CREATE TABLE traffic_history(id INTEGER PRIMARY KEY, endpoint TEXT NOT NULL, from_json TEXT NOT NULL, to_json TEXT NOT NULL,
          who TEXT NOT NULL, at INTEGER NOT NULL, reason TEXT);
        CREATE INDEX traffic_history_endpoint ON traffic_history(endpoint, id);
        CREATE TABLE deployments(endpoint TEXT NOT NULL, name TEXT NOT NULL, model TEXT NOT NULL, model_version INTEGER NOT NULL,
          image TEXT, target TEXT NOT NULL, instance_count INTEGER NOT NULL, timeout_ms INTEGER NOT NULL, max_concurrent INTEGER NOT NULL,
          status INTEGER NOT NULL, status_reason TEXT, instances_json TEXT NOT NULL, created_at INTEGER NOT NULL,
          PRIMARY KEY(endpoint, name));
        CREATE INDEX deployments_model ON deployments(model, model_version);
        INSERT INTO datastores(name, kind, location, created_at) VALUES('workspace', 'workspace', 'datastores/workspace', 0);
        """,
        // 2: dataset files in a folder datastore are referenced in place; model version numbers are never reused.
        """
        ALTER TABLE dataset_files ADD COLUMN source TEXT;
        CREATE TABLE model_names(name TEXT PRIMARY KEY, last_version INTEGER NOT NULL) WITHOUT ROWID;
        INSERT INTO model_names(name, last_version) SELECT name, MAX(version) FROM models GROUP BY name;
        """,
        // 3: metric history in chunks (one row per metric per batch); rows of the 'metrics' table are still read.
        """
        CREATE TABLE metric_chunks(id INTEGER PRIMARY KEY, run_key INTEGER NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
          name TEXT NOT NULL, count INTEGER NOT NULL, points BLOB NOT NULL);
        CREATE INDEX metric_chunks_run_name ON metric_chunks(run_key, name);
        """,
        // 4 (lifecycle): soft delete of experiments and runs, experiment tags, datasets described by the client (MLflow log-inputs).
        """
        ALTER TABLE experiments ADD COLUMN deleted_at INTEGER;
        ALTER TABLE runs ADD COLUMN deleted_at INTEGER;
        CREATE TABLE experiment_tags(experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE, name TEXT NOT NULL,
          value TEXT NOT NULL, PRIMARY KEY(experiment_id, name)) WITHOUT ROWID;
        CREATE TABLE run_external_datasets(id INTEGER PRIMARY KEY, run_key INTEGER NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
          name TEXT NOT NULL, digest TEXT NOT NULL, source_type TEXT NOT NULL, source TEXT NOT NULL, data_schema TEXT, data_profile TEXT,
          tags_json TEXT NOT NULL, UNIQUE(run_key, name, digest));
        """,
        // 5 (registry): a model exists apart from its versions (description, tags, zero versions); versions keep a source URI
        // and when their description or tags last changed.
        """
        CREATE TABLE registered_models(name TEXT PRIMARY KEY, description TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
          created_by TEXT) WITHOUT ROWID;
        CREATE TABLE registered_model_tags(name TEXT NOT NULL REFERENCES registered_models(name) ON DELETE CASCADE, key TEXT NOT NULL,
          value TEXT NOT NULL, PRIMARY KEY(name, key)) WITHOUT ROWID;
        INSERT INTO registered_models(name, created_at, updated_at) SELECT name, MIN(created_at), MAX(created_at) FROM models GROUP BY name;
        ALTER TABLE models ADD COLUMN updated_at INTEGER;
        ALTER TABLE models ADD COLUMN source TEXT;
        """,
        // 6 (compute): registered compute targets; environments by content hash with the image built for them.
        """
        CREATE TABLE compute_targets(name TEXT PRIMARY KEY, kind TEXT NOT NULL, description TEXT, max_concurrent INTEGER,
          options_json TEXT NOT NULL, created_at INTEGER NOT NULL, created_by TEXT) WITHOUT ROWID;
        CREATE TABLE environments(hash TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, definition_json TEXT NOT NULL,
          image TEXT NOT NULL, image_id TEXT, state TEXT NOT NULL, build_ms INTEGER, created_at INTEGER NOT NULL, built_at INTEGER) WITHOUT ROWID;
        CREATE INDEX environments_name ON environments(name, created_at);
        """,
    ];

    /// <summary>Applies pending migrations in one transaction, or refuses a database newer than this code.</summary>
    public static int Migrate(SqliteDb db)
    {
        var current = db.Read(s => (int)(s.Long("PRAGMA user_version") ?? 0));
        if (current > CurrentVersion) throw TooNew(db.Path, current);
        if (current == CurrentVersion) return current;
        return db.Write(s =>
        {
            // Re-read inside the write lock: another process may have migrated meanwhile.
            var v = (int)(s.Long("PRAGMA user_version") ?? 0);
            if (v > CurrentVersion) throw TooNew(db.Path, v);
            for (; v < CurrentVersion; v++) s.Exec(Migrations[v]);
            s.Exec($"PRAGMA user_version={CurrentVersion}");
            return CurrentVersion;
        });
    }

    private static MlpException TooNew(string path, int version) => MlpException.Invalid(
        $"The workspace schema {version} is newer than this mlp (supports {CurrentVersion}); upgrade mlp to open '{path}'.");
}
