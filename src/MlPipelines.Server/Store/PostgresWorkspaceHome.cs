using System.Security.Cryptography;
using System.Text;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Workspaces;
using MlPipelines.Workspace.Postgres;
using Npgsql;

namespace MlPipelines.Server.Store;

/// <summary>
/// PostgreSQL store: each workspace is a <see cref="PostgresWorkspace"/> in its own schema of the store's database
/// (<see cref="SchemaFor"/>), its files (artifacts, scratch, the 'workspace' datastore) in its folder. A deleted
/// workspace's schema is renamed to <see cref="RetiredSchemaFor"/>, never dropped.
/// </summary>
internal sealed class PostgresWorkspaceHome(ServerDb db, PostgresStoreAddress address) : WorkspaceHome
{
    private const int HashChars = 16;

    /// <summary>
    /// The schema of a workspace: <c>ws_</c> + the name in lower case (names are letters, digits, '-' and '_', unique
    /// case-insensitively, and always quoted in SQL). Names too long for PostgreSQL's 63-character identifiers keep
    /// their first characters and end in '_' + 16 hex digits of the SHA-256 of the lower-case name.
    /// </summary>
    public static string SchemaFor(string name)
    {
        Authorization.WorkspaceNames.Validate(name);
        var lower = name.ToLowerInvariant();
        var schema = "ws_" + lower;
        if (schema.Length <= PgNames.MaxIdentifierLength) return schema;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lower)))[..HashChars];
        return schema[..(PgNames.MaxIdentifierLength - HashChars - 1)] + "_" + hash;
    }

    /// <summary>Where a deleted workspace's schema goes: <c>deleted_NAME_yyyyMMddHHmmssfff</c> (the name cut to fit 63 characters).</summary>
    public static string RetiredSchemaFor(string name, DateTimeOffset at)
    {
        var stamp = at.UtcDateTime.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        var lower = name.ToLowerInvariant();
        var room = PgNames.MaxIdentifierLength - "deleted_".Length - 1 - stamp.Length;
        return $"deleted_{(lower.Length <= room ? lower : lower[..room])}_{stamp}";
    }

    /// <summary>The connection string of a workspace: the store's, with the workspace's schema as the search path.</summary>
    public string ConnectionString(string name) =>
        new NpgsqlConnectionStringBuilder(address.ConnectionString) { SearchPath = PgNames.Quote(SchemaFor(name)) }.ConnectionString;

    public override void CheckFree(string name)
    {
        var schema = SchemaFor(name);
        if (HasObjects(schema))
            throw MlpException.Conflict($"The PostgreSQL schema '{schema}' for workspace '{name}' already exists in {address.Display} and is not empty; rename or drop it first.");
    }

    public override IWorkspace Create(string name, string folder) => PostgresWorkspace.Init(ConnectionString(name), folder);

    public override IWorkspace Open(HostedWorkspace workspace) => PostgresWorkspace.Open(ConnectionString(workspace.Name), workspace.Location);

    public override string? Retire(HostedWorkspace workspace, DateTimeOffset at)
    {
        var schema = SchemaFor(workspace.Name);
        var retired = RetiredSchemaFor(workspace.Name, at);
        try
        {
            return db.Write(d =>
            {
                if (d.Long("SELECT COUNT(*) FROM pg_namespace WHERE nspname = $p0", schema) == 0) return null;
                d.Exec($"ALTER SCHEMA {PgNames.Quote(schema)} RENAME TO {PgNames.Quote(retired)}");
                return retired;
            });
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateSchema or PostgresErrorCodes.InsufficientPrivilege)
        {
            throw MlpException.Failed($"Workspace '{workspace.Name}' is out of the catalogue, but its schema '{schema}' could not be renamed to " +
                $"'{retired}': {e.MessageText}. Rename or drop it by hand (the server's role must own it) before creating '{workspace.Name}' again.", e);
        }
    }

    // Tables, sequences, types and domains: anything a migration would trip over.
    private bool HasObjects(string schema) => db.Read(d => d.Long(
        """
        SELECT (SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $p0)
             + (SELECT COUNT(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $p0)
        """, schema) > 0);
}
