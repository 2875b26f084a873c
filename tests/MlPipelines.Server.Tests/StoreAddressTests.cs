using MlPipelines.Core.Errors;
using MlPipelines.Server.Hosting;
using MlPipelines.Server.Store;
using Npgsql;

namespace MlPipelines.Server.Tests;

/// <summary>Parsing <c>--store</c>, naming workspace schemas, and where the server's files go.</summary>
public class StoreAddressTests
{
    [Fact]
    public void ParseStore_PostgresUri_BecomesNpgsqlConnectionString()
    {
        var a = Assert.IsType<PostgresStoreAddress>(ServerOptions.ParseStore("postgresql://ml%40p:p%3As%2Fe%40c%23ret@db.internal:6543/mlp%2Dprod?sslmode=verify-full&application_name=mlp%20server"));
        var b = new NpgsqlConnectionStringBuilder(a.ConnectionString);
        Assert.Equal(("ml@p", "p:s/e@c#ret", "db.internal", 6543, "mlp-prod"), (b.Username, b.Password, b.Host, b.Port, b.Database));
        Assert.Equal((SslMode.VerifyFull, "mlp server"), (b.SslMode, b.ApplicationName));
        Assert.Equal("postgresql://ml%40p@db.internal:6543/mlp-prod", a.Display);
        Assert.DoesNotContain("ret", a.ToString());
        var inQuery = Assert.IsType<PostgresStoreAddress>(ServerOptions.ParseStore("postgresql://u@h/db?password=s3cret&Maximum%20Pool%20Size=20"));
        Assert.Equal(("s3cret", 20), (new NpgsqlConnectionStringBuilder(inQuery.ConnectionString).Password, new NpgsqlConnectionStringBuilder(inQuery.ConnectionString).MaxPoolSize));
        Assert.DoesNotContain("s3cret", inQuery.Display);
    }

    [Theory]
    [InlineData("postgres://u@h/db", "h", 5432, null)]
    [InlineData("postgresql://u:@[::1]:5433/db", "::1", 5433, "")]
    [InlineData("POSTGRESQL://u:pw@H/db", "h", 5432, "pw")]
    public void ParseStore_PostgresUriForms_Accepted(string uri, string host, int port, string? password)
    {
        var b = new NpgsqlConnectionStringBuilder(Assert.IsType<PostgresStoreAddress>(ServerOptions.ParseStore(uri)).ConnectionString);
        Assert.Equal((host, port, "db", "u"), (b.Host, b.Port, b.Database, b.Username));
        Assert.Equal(password ?? "", b.Password ?? "");
    }

    [Theory]
    [InlineData("postgresql://u:secret@host", "name exactly one database")]
    [InlineData("postgresql://u:secret@host/a/b", "name exactly one database")]
    [InlineData("postgresql://u:secret@host/db?sslmode=always", "sslmode 'always' is not one of")]
    [InlineData("postgresql://u:secret@host/db?nonsense=1", "the parameter 'nonsense=1' is not valid")]
    [InlineData("postgresql://u:secret@host/db?search_path=x", "the server chooses its schemas")]
    [InlineData("postgresql://u:secret@host?password=secret", "name exactly one database")]
    [InlineData("postgresql://u:sec#ret@host/db", "%23")]
    [InlineData("postgresql://u:se cret@ho st/db", "does not parse")]
    public void ParseStore_BadPostgresUri_InvalidNamingTheOptionNeverThePassword(string uri, string why)
    {
        var e = Assert.Throws<MlpException>(() => ServerOptions.ParseStore(uri));
        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains(why, e.Message);
        Assert.StartsWith("--store 'postgresql://u:***@", e.Message);
        Assert.Contains("expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE", e.Message);
        Assert.DoesNotContain("secret", e.Message);
        Assert.DoesNotContain("cret", e.Message);
    }

    [Fact]
    public void ParseStore_NeitherForm_NamesBoth()
    {
        var e = Assert.Throws<MlpException>(() => ServerOptions.ParseStore("mysql://u:secret@h/db"));
        Assert.Contains("use sqlite:PATH", e.Message);
        Assert.Contains("or postgresql://USER:PASSWORD@HOST:PORT/DATABASE", e.Message);
        Assert.DoesNotContain("secret", e.Message);
    }

    [Fact]
    public void Create_Postgres_ServerFolderIsTheArtifactsFolder()
    {
        using var dir = new TempDir();
        var given = ServerOptions.Create("postgresql://u:p@h/db", dir.Combine("files"), "127.0.0.1:0", null, null, true, false);
        Assert.Equal((dir.Combine("files"), dir.Combine("files")), (given.ArtifactsDirectory, given.ServerDirectory));
        var defaulted = ServerOptions.Create("postgresql://u:p@h/db", null, "127.0.0.1:0", null, null, true, false);
        Assert.Equal(Path.GetFullPath(ServerOptions.DefaultPostgresDirectory), defaulted.ServerDirectory);
        Assert.DoesNotContain(":p@", defaulted.ToString());
        var sqlite = ServerOptions.Create("sqlite:" + dir.Combine("s", "server.db"), null, "127.0.0.1:0", null, null, true, false);
        Assert.Equal((dir.Combine("s"), dir.Combine("s", "workspaces")), (sqlite.ServerDirectory, sqlite.ArtifactsDirectory));
    }

    [Theory]
    [InlineData("team", "ws_team")]
    [InlineData("Team-A_1", "ws_team-a_1")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678", "ws_a234567890123456789012345678901234567890123456789012345678")]
    public void SchemaFor_ShortNames_LowerCasedWithPrefix(string name, string schema) =>
        Assert.Equal(schema, PostgresWorkspaceHome.SchemaFor(name));

    [Fact]
    public void SchemaFor_LongNames_FitPostgresIdentifiersAndStayDistinct()
    {
        var a = new string('a', 63) + "1";
        var b = new string('a', 63) + "2";
        var (sa, sb) = (PostgresWorkspaceHome.SchemaFor(a), PostgresWorkspaceHome.SchemaFor(b));
        Assert.Equal((63, 63), (sa.Length, sb.Length));
        Assert.NotEqual(sa, sb);
        Assert.Equal(sa, PostgresWorkspaceHome.SchemaFor(a.ToUpperInvariant()));
        Assert.Matches("^ws_a+_[0-9a-f]{16}$", sa);
        var retired = PostgresWorkspaceHome.RetiredSchemaFor(a, DateTimeOffset.Parse("2026-03-04T05:06:07.089Z"));
        Assert.Equal(63, retired.Length);
        Assert.EndsWith("_20260304050607089", retired);
        Assert.Equal("deleted_team_20260304050607089", PostgresWorkspaceHome.RetiredSchemaFor("Team", DateTimeOffset.Parse("2026-03-04T05:06:07.089Z")));
        Assert.Equal(ErrorKind.InvalidInput, Assert.Throws<MlpException>(() => PostgresWorkspaceHome.SchemaFor("x\"; DROP")).Kind);
    }
}
