namespace MlPipelines.Server.Store;

/// <summary>
/// The server store's PostgreSQL migrations (its own list, not SQLite's), in the schema <c>mlp_server</c>;
/// <c>mlp_server.schema_migrations</c> lists those applied. Pending ones run on open in one transaction under the
/// schema's write lock, so servers starting at once migrate once. Never edit a shipped migration: append one.
/// </summary>
/// <remarks>
/// Same tables and meaning as SQLite's: times are Unix ms (<c>bigint</c>), text is the domain <c>mlp_text</c>
/// (<c>COLLATE "C"</c>, byte-wise like SQLite), and the names SQLite compares with <c>NOCASE</c> (principal, role,
/// scope and workspace names) are unique on <c>lower(…)</c> — the stores compare them with <c>lower()</c> on both
/// engines, which folds ASCII only on both.
/// </remarks>
internal static class ServerPgSchema
{
    public static int CurrentVersion => Migrations.Length;

    private static readonly string[] Migrations =
    [
        // 1: SQLite's migrations 1 and 2.
        """
        CREATE DOMAIN mlp_text AS text COLLATE "C";
        CREATE TABLE principals(id mlp_text PRIMARY KEY, name mlp_text NOT NULL, kind mlp_text NOT NULL, created_at bigint NOT NULL);
        CREATE UNIQUE INDEX principals_name ON principals(lower(name));
        CREATE TABLE tokens(id mlp_text PRIMARY KEY, principal_id mlp_text NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
          hash bytea NOT NULL UNIQUE, description mlp_text NOT NULL, created_at bigint NOT NULL, expires_at bigint,
          revoked_at bigint, last_used_at bigint);
        CREATE INDEX tokens_principal ON tokens(principal_id);
        CREATE TABLE role_definitions(name mlp_text PRIMARY KEY, json mlp_text NOT NULL, created_at bigint NOT NULL);
        CREATE UNIQUE INDEX role_definitions_name ON role_definitions(lower(name));
        CREATE TABLE role_assignments(id mlp_text PRIMARY KEY, principal_id mlp_text NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
          role mlp_text NOT NULL, scope mlp_text NOT NULL, created_at bigint NOT NULL);
        CREATE UNIQUE INDEX role_assignments_principal_role_scope ON role_assignments(principal_id, lower(role), lower(scope));
        CREATE INDEX role_assignments_role ON role_assignments(lower(role));
        CREATE TABLE workspaces(name mlp_text PRIMARY KEY, location mlp_text NOT NULL, created_at bigint NOT NULL, created_by mlp_text NOT NULL);
        CREATE UNIQUE INDEX workspaces_name ON workspaces(lower(name));
        CREATE TABLE audit(id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ts bigint NOT NULL, principal mlp_text NOT NULL,
          action mlp_text NOT NULL, target mlp_text NOT NULL, outcome mlp_text NOT NULL, detail mlp_text, correlation_id mlp_text);
        CREATE INDEX audit_ts ON audit(ts);
        CREATE TABLE request_log(token_id mlp_text NOT NULL, request_id mlp_text NOT NULL, status integer NOT NULL,
          content_type mlp_text NOT NULL, body bytea NOT NULL, created_at bigint NOT NULL, PRIMARY KEY(token_id, request_id));
        CREATE INDEX request_log_created ON request_log(created_at);
        """,
        // 3: run-scoped tokens (for step processes): the run they may write to, '/workspaces/W/runs/R'.
        """
        ALTER TABLE tokens ADD COLUMN run_scope mlp_text;
        """,
    ];

    /// <summary>Applies pending migrations in one transaction, or refuses a schema newer than this code.</summary>
    public static void Migrate(ServerDb db) => db.Write(d =>
    {
        d.Exec("CREATE TABLE IF NOT EXISTS schema_migrations(version integer PRIMARY KEY, applied_at bigint NOT NULL)");
        var v = (int)(d.Long("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") ?? 0);
        if (v > CurrentVersion) throw ServerSchema.TooNew(db, v, CurrentVersion);
        for (; v < CurrentVersion; v++)
        {
            d.Exec(Migrations[v]);
            d.Exec("INSERT INTO schema_migrations(version, applied_at) VALUES($p0, $p1)", v + 1, DateTimeOffset.UtcNow);
        }
    });
}
