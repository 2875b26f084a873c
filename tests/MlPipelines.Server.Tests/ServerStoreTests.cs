using System.Text;
using MlPipelines.Core.Errors;
using MlPipelines.Server.Authorization;
using MlPipelines.Server.Identity;
using MlPipelines.Server.Store;

namespace MlPipelines.Server.Tests;

/// <summary>What only the SQLite store has (the engine-neutral tests are in <see cref="ServerStoreSuite"/>).</summary>
public class ServerStoreTests
{
    [Fact]
    public void IssueToken_RawSecretNeverInTheDatabaseFile()
    {
        using var dir = new TempDir();
        string secret;
        using (var store = new ServerStore(dir.Combine("server.db")))
        {
            var p = store.Identities.Create("alice", PrincipalKind.User);
            secret = store.Identities.IssueToken(p.Id, "laptop", null).Secret;
            Assert.Equal("alice", store.Identities.Authenticate(secret)?.Principal.Name);
        }
        Assert.Matches("^mlp_[A-Za-z0-9_-]{43}$", secret);
        var bytes = string.Concat(new[] { "", "-wal", "-shm" }.Where(s => File.Exists(dir.Combine("server.db" + s)))
            .Select(s => Encoding.Latin1.GetString(File.ReadAllBytes(dir.Combine("server.db" + s)))));
        Assert.DoesNotContain(secret, bytes);
        Assert.DoesNotContain(secret[4..], bytes);
        Assert.Contains("alice", bytes); // the file was really read
    }

    [Fact]
    public void ServerStore_NewFile_IsPrivate()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDir();
        using var store = new ServerStore(dir.Combine("sub", "server.db"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));
    }

    [Fact]
    public void ServerStore_OlderFile_MigratedForward()
    {
        using var dir = new TempDir();
        var path = dir.Combine("server.db");
        using (var store = new ServerStore(path)) store.Requests.Save("tok_1", "r", 200, "", []);
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "DROP TABLE request_log; ALTER TABLE tokens DROP COLUMN run_scope; PRAGMA user_version=1;"; // as the first release left it
            cmd.ExecuteNonQuery();
        }
        using var again = new ServerStore(path);
        Assert.Null(again.Requests.Find("tok_1", "r"));
        again.Requests.Save("tok_1", "r", 200, "", []);
        Assert.NotNull(again.Requests.Find("tok_1", "r"));
    }

    [Fact]
    public void ServerStore_NewerSchema_RefusedAsInvalid()
    {
        using var dir = new TempDir();
        var path = dir.Combine("server.db");
        new ServerStore(path).Dispose();
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA user_version=99;";
            cmd.ExecuteNonQuery();
        }
        var e = Assert.Throws<MlpException>(() => new ServerStore(path));
        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains("schema 99 is newer", e.Message);
    }
}
