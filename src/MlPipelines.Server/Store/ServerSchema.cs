using MlPipelines.Core.Errors;

namespace MlPipelines.Server.Store;

/// <summary>
/// The server store's migrations, applied forward on open in one transaction; <c>PRAGMA user_version</c> holds how many
/// ran (the workspace store's convention). Never edit a shipped migration: append one.
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
    ];

    public static void Migrate(ServerDb db) => db.Write(d =>
    {
        var v = Convert.ToInt32(d.Scalar("PRAGMA user_version"));
        if (v > CurrentVersion)
            throw MlpException.Invalid($"The server store schema {v} is newer than this mlp (supports {CurrentVersion}); upgrade mlp to open '{db.Path}'.");
        for (; v < CurrentVersion; v++) d.Exec(Migrations[v]);
        d.Exec($"PRAGMA user_version={CurrentVersion}");
    });
}
