using System.Text;
using MlPipelines.Core.Errors;
using MlPipelines.Server.Authorization;
using MlPipelines.Server.Identity;
using MlPipelines.Server.Store;

namespace MlPipelines.Server.Tests;

public class ServerStoreTests
{
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

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
    public void Authenticate_ExpiredRevokedOrWrong_Null()
    {
        using var dir = new TempDir();
        var clock = new ManualClock(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        using var store = new ServerStore(dir.Combine("server.db"), clock);
        var p = store.Identities.Create("ci", PrincipalKind.ServicePrincipal);
        var shortLived = store.Identities.IssueToken(p.Id, "ci", TimeSpan.FromHours(1));
        var other = store.Identities.IssueToken(p.Id, "other", null);

        clock.Now += TimeSpan.FromMinutes(59);
        Assert.NotNull(store.Identities.Authenticate(shortLived.Secret));
        Assert.Equal(clock.Now, store.Identities.ListTokens(p.Id).Single(t => t.Id == shortLived.Info.Id).LastUsedAt);
        clock.Now += TimeSpan.FromMinutes(2);
        Assert.Null(store.Identities.Authenticate(shortLived.Secret));

        Assert.NotNull(store.Identities.Authenticate(other.Secret));
        store.Identities.RevokeToken(other.Info.Id);
        Assert.Null(store.Identities.Authenticate(other.Secret));
        Assert.NotNull(store.Identities.ListTokens(p.Id).Single(t => t.Id == other.Info.Id).RevokedAt);

        Assert.Null(store.Identities.Authenticate(ApiTokens.NewSecret()));
        Assert.Null(store.Identities.Authenticate("Bearer nonsense"));
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => store.Identities.RevokeToken("tok_nope")).Kind);
        Assert.Contains("looks like an identity id", Assert.Throws<MlpException>(() => store.Identities.Create(p.Id.Replace("spn_", "usr_"), PrincipalKind.User)).Message);
        Assert.Equal(ErrorKind.Conflict, Assert.Throws<MlpException>(() => store.Identities.Create("CI", PrincipalKind.User)).Kind);
    }

    [Fact]
    public void Assign_CustomRole_CheckedAndUndeletableWhileAssigned()
    {
        using var dir = new TempDir();
        using var store = new ServerStore(dir.Combine("server.db"));
        var bob = store.Identities.Create("bob", PrincipalKind.User);
        store.Access.CreateRole("""{"Name":"Run Logger","Actions":["workspaces/experiments/runs/*","workspaces/metrics/write"]}""");
        Assert.Equal(ErrorKind.Conflict, Assert.Throws<MlpException>(() => store.Access.CreateRole("""{"Name":"run logger","Actions":["*"]}""")).Kind);
        store.Access.Assign(bob, "Run Logger", "/workspaces/team");
        Assert.Single(store.Access.ListAssignments(bob.Id));
        store.Access.Assign(bob, "run logger", "/workspaces/team"); // idempotent
        Assert.Single(store.Access.ListAssignments(bob.Id));

        Assert.True(store.Access.Check(bob.Id, "/workspaces/team", ActionCatalog.RunsWrite).Allowed);
        Assert.False(store.Access.Check(bob.Id, "/workspaces/team", ActionCatalog.ModelsWrite).Allowed);
        Assert.False(store.Access.Check(bob.Id, "/workspaces/other", ActionCatalog.RunsWrite).Allowed);

        Assert.Equal(ErrorKind.Conflict, Assert.Throws<MlpException>(() => store.Access.DeleteRole("Run Logger")).Kind);
        store.Access.Unassign(bob, "Run Logger", "/workspaces/team");
        store.Access.DeleteRole("Run Logger");
        Assert.Null(store.Access.FindRole("Run Logger"));
        Assert.Equal(ErrorKind.InvalidInput, Assert.Throws<MlpException>(() => store.Access.DeleteRole("Owner")).Kind);
        Assert.Contains("'AzureML Data Scientist'", Assert.Throws<MlpException>(() => store.Access.Assign(bob, "Data Scientist", "/")).Message);
    }

    [Fact]
    public void RemoveWorkspace_DropsItsAssignmentsOnly()
    {
        using var dir = new TempDir();
        using var store = new ServerStore(dir.Combine("server.db"));
        var bob = store.Identities.Create("bob", PrincipalKind.User);
        store.Workspaces.Add("team", dir.Combine("team"), "admin");
        store.Access.Assign(bob, "Reader", "/workspaces/team");
        store.Access.Assign(bob, "Reader", "/");
        store.Workspaces.Remove("team", store.Access);
        Assert.Equal(["/"], store.Access.ListAssignments(bob.Id).Select(a => a.Scope));
        Assert.Empty(store.Workspaces.List());
    }

    [Fact]
    public void Audit_ListSince_OldestFirst()
    {
        using var dir = new TempDir();
        var clock = new ManualClock(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        using var store = new ServerStore(dir.Combine("server.db"), clock);
        store.Audit.Record("alice", "workspaces/write", "/workspaces/a", AuditOutcome.Succeeded);
        clock.Now += TimeSpan.FromHours(1);
        store.Audit.Record("bob", "workspaces/experiments/runs/write", "/workspaces/a", AuditOutcome.Denied, "needs action");
        Assert.Equal(2, store.Audit.List().Count);
        var recent = Assert.Single(store.Audit.List(clock.Now - TimeSpan.FromMinutes(1)));
        Assert.Equal(("bob", AuditOutcome.Denied), (recent.Principal, recent.Outcome));
    }
}
