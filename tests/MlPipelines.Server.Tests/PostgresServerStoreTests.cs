using MlPipelines.Core.Errors;
using MlPipelines.Server.Identity;
using MlPipelines.Server.Store;
using MlPipelines.Server.Tests.Backends;

namespace MlPipelines.Server.Tests;

/// <summary>What only the PostgreSQL server store has: its schema, its migrations table, secrets kept out of the rows.</summary>
[RequiresPostgres]
public sealed class PostgresServerStoreTests : IDisposable
{
    private readonly PostgresStoreBackend _backend = new();

    public void Dispose() => _backend.Dispose();

    [StoreFact]
    public void Open_ConcurrentlyOnEmptyDatabase_MigratesOnceIntoItsSchema()
    {
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ => _backend.Open().Dispose());
        using var store = _backend.Open();
        var db = _backend.Database;
        Assert.Equal((long)MlPipelines.Server.Store.ServerPgSchema.CurrentVersion, db.Scalar("SELECT COUNT(*) FROM mlp_server.schema_migrations"));
        Assert.Equal(["audit", "principals", "request_log", "role_assignments", "role_definitions", "schema_migrations", "tokens", "workspaces"],
            db.Column("SELECT table_name FROM information_schema.tables WHERE table_schema = 'mlp_server' ORDER BY table_name"));
        Assert.Empty(db.Column("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"));
        var b = new Npgsql.NpgsqlConnectionStringBuilder(db.ConnectionString);
        Assert.Equal($"postgresql://{b.Username}@{b.Host}:{b.Port}/{db.Name}", store.Location);
        Assert.DoesNotContain(":" + db.Password + "@", store.Location);
        Assert.Equal(store.Location, store.Address.ToString());
    }

    [StoreFact]
    public void Open_SchemaNewerThanCode_RefusedAsInvalid()
    {
        _backend.Open().Dispose();
        _backend.Database.Exec("INSERT INTO mlp_server.schema_migrations(version, applied_at) VALUES (99, 0)");
        var e = Assert.Throws<MlpException>(() => _backend.Open());
        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains("server store schema 99 is newer", e.Message);
    }

    [StoreFact]
    public void IssueToken_RawSecretNeverInTheDatabase()
    {
        using var store = _backend.Open();
        var p = store.Identities.Create("alice", PrincipalKind.User);
        var secret = store.Identities.IssueToken(p.Id, "laptop", null).Secret;
        var rows = string.Join("\n", _backend.Database.Column("SELECT t::text FROM mlp_server.tokens t"));
        Assert.Contains("laptop", rows); // the rows were really read
        Assert.DoesNotContain(secret[4..], rows);
        Assert.Equal(32, Convert.ToInt32(_backend.Database.Scalar("SELECT length(hash) FROM mlp_server.tokens")));
    }

    [StoreFact]
    public void Open_UnreachableServer_UnavailableWithoutPassword()
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(_backend.Database.ConnectionString) { Port = 1, Timeout = 2 };
        var e = Assert.Throws<MlpException>(() => ServerStore.Open(new PostgresStoreAddress(b.ConnectionString)));
        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        Assert.Contains("server store postgresql://", e.Message);
        Assert.DoesNotContain("Password", e.Message);
    }
}
