using MlPipelines.Core.Errors;

namespace MlPipelines.Server.Store;

/// <summary>
/// The server store's SQLite migrations, applied forward on open in one transaction; <c>PRAGMA user_version</c> holds
/// how many ran (the workspace store's convention). Never edit a shipped migration: append one. PostgreSQL has its own
/// list (<see cref="ServerPgSchema"/>) with the same tables and meaning.
/// </summary>
internal static class ServerSchema
{
    public static int CurrentVersion => Migrations.Length;

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE principals(id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE, kind TEXT NOT NULL,
          created_at INTEGER NOT NULL);
        CREATE TABLE tokens(id TEXT PRIMARY KEY, principal_id TEXT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
          hash BLOB NOT NULL UNIQUE, description TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER,
          revoked_at INTEGER, last_used_at INTEGER);
        CREATE INDEX tokens_principal ON tokens(principal_id);
        CREATE TABLE role_definitions(name TEXT PRIMARY KEY COLLATE NOCASE, json TEXT NOT NULL, created_at INTEGER NOT NULL);
        CREATE TABLE role_assignments(id TEXT PRIMARY KEY, principal_id TEXT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
          role TEXT NOT NULL COLLATE NOCASE, scope TEXT NOT NULL COLLATE NOCASE, created_at INTEGER NOT NULL,
          UNIQUE(principal_id, role, scope));
        CREATE TABLE workspaces(name TEXT PRIMARY KEY COLLATE NOCASE, location TEXT NOT NULL, created_at INTEGER NOT NULL,
          created_by TEXT NOT NULL);
        CREATE TABLE audit(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, principal TEXT NOT NULL, action TEXT NOT NULL,
          target TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT, correlation_id TEXT);
        CREATE INDEX audit_ts ON audit(ts);
        """,
        // 2: the idempotency log (a rowid table: bodies can be large).
        """
        CREATE TABLE request_log(token_id TEXT NOT NULL, request_id TEXT NOT NULL, status INTEGER NOT NULL,
          content_type TEXT NOT NULL, body BLOB NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY(token_id, request_id));
        CREATE INDEX request_log_created ON request_log(created_at);
        """,
        // 3: run-scoped tokens (for step processes): the run they may write to, '/workspaces/W/runs/R'.
        """
        ALTER TABLE tokens ADD COLUMN run_scope TEXT;
        """,
    ];

    /// <summary>Brings the store's schema up to date (either engine), or refuses one newer than this code.</summary>
    public static void Migrate(ServerDb db)
    {
        if (db.IsPostgres) { ServerPgSchema.Migrate(db); return; }
        db.Write(d =>
        {
            var v = Convert.ToInt32(d.Scalar("PRAGMA user_version"));
            if (v > CurrentVersion) throw TooNew(db, v, CurrentVersion);
            for (; v < CurrentVersion; v++) d.Exec(Migrations[v]);
            d.Exec($"PRAGMA user_version={CurrentVersion}");
        });
    }

    /// <summary>The error for a store migrated by a newer mlp.</summary>
    public static MlpException TooNew(ServerDb db, int version, int supported) => MlpException.Invalid(
        $"The server store schema {version} is newer than this mlp (supports {supported}); upgrade mlp to open '{db.Location}'.");
}
