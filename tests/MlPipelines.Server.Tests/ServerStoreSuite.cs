using MlPipelines.Core.Errors;
using MlPipelines.Server.Authorization;
using MlPipelines.Server.Identity;
using MlPipelines.Server.Store;
using MlPipelines.Server.Tests.Backends;

namespace MlPipelines.Server.Tests;

// The server store's tests, run once per engine: the same tests, the same assertions.
public sealed class ServerStoreSqliteTests() : ServerStoreSuite(new SqliteStoreBackend());
[RequiresPostgres] public sealed class ServerStorePostgresTests() : ServerStoreSuite(new PostgresStoreBackend());

/// <summary>Identities, tokens, roles, assignments, the workspace catalogue, the audit log and the request log.</summary>
public abstract class ServerStoreSuite(ServerStoreBackend backend) : IDisposable
{
    protected ServerStoreBackend Backend { get; } = backend;

    public void Dispose() => Backend.Dispose();

    [StoreFact]
    public void Authenticate_ExpiredRevokedOrWrong_Null()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        using var store = Backend.Open(clock);
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

    [StoreFact]
    public void Identities_FindByIdOrNameIgnoringCase_ListByName()
    {
        using var store = Backend.Open();
        var bob = store.Identities.Create("bob", PrincipalKind.User);
        store.Identities.Create("Alice", PrincipalKind.User);
        store.Identities.Create("ci-bot", PrincipalKind.ServicePrincipal);
        Assert.Equal(bob.Id, store.Identities.Find("BOB")?.Id);
        Assert.Equal("bob", store.Identities.Find(bob.Id)?.Name);
        Assert.Null(store.Identities.Find(bob.Id.ToUpperInvariant()));
        Assert.Equal(["Alice", "bob", "ci-bot"], store.Identities.List().Select(p => p.Name));
        Assert.Equal(PrincipalKind.ServicePrincipal, store.Identities.Get("ci-bot").Kind);
        Assert.Contains("'Alice', 'bob', 'ci-bot'", Assert.Throws<MlpException>(() => store.Identities.Get("carol")).Message);
        Assert.False(store.Identities.IsEmpty);
    }

    [StoreFact]
    public void Store_Reopened_KeepsEverything()
    {
        string secret;
        using (var store = Backend.Open())
        {
            Assert.True(store.Identities.IsEmpty);
            var p = store.Identities.Create("alice", PrincipalKind.User);
            secret = store.Identities.IssueToken(p.Id, "laptop", TimeSpan.FromDays(1)).Secret;
            store.Access.CreateRole("""{"Name":"Run Logger","Actions":["workspaces/experiments/runs/*"]}""");
            store.Access.Assign(p, "Run Logger", "/workspaces/team");
            store.Workspaces.Add("team", "/srv/team", "alice");
            store.Audit.Record("alice", "workspaces/write", "/workspaces/team", AuditOutcome.Succeeded, "made it", "c1");
            store.Requests.Save("tok_1", "r1", 201, "application/json", [1, 2, 3]);
        }
        using var again = Backend.Open();
        var (principal, token) = again.Identities.Authenticate(secret)!.Value;
        Assert.Equal("alice", principal.Name);
        Assert.Equal("laptop", token.Description);
        Assert.Equal("Run Logger", Assert.Single(again.Access.ListAssignments(principal.Id)).Role);
        Assert.Equal("/srv/team", again.Workspaces.Get("TEAM").Location);
        var entry = Assert.Single(again.Audit.List());
        Assert.Equal(("made it", "c1", AuditOutcome.Succeeded), (entry.Detail, entry.CorrelationId, entry.Outcome));
        Assert.Equal([1, 2, 3], again.Requests.Find("tok_1", "r1")!.Body);
    }

    [StoreFact]
    public void Assign_CustomRole_CheckedAndUndeletableWhileAssigned()
    {
        using var store = Backend.Open();
        var bob = store.Identities.Create("bob", PrincipalKind.User);
        store.Access.CreateRole("""{"Name":"Run Logger","Actions":["workspaces/experiments/runs/*","workspaces/metrics/write"]}""");
        Assert.Equal(ErrorKind.Conflict, Assert.Throws<MlpException>(() => store.Access.CreateRole("""{"Name":"run logger","Actions":["*"]}""")).Kind);
        store.Access.Assign(bob, "Run Logger", "/workspaces/team");
        Assert.Single(store.Access.ListAssignments(bob.Id));
        store.Access.Assign(bob, "run logger", "/workspaces/team"); // idempotent
        store.Access.Assign(bob, "Run Logger", "/workspaces/TEAM"); // scopes ignore case too
        Assert.Single(store.Access.ListAssignments(bob.Id));
        Assert.Equal("Run Logger", store.Access.FindRole("RUN LOGGER")?.Name);

        Assert.True(store.Access.Check(bob.Id, "/workspaces/team", ActionCatalog.RunsWrite).Allowed);
        Assert.False(store.Access.Check(bob.Id, "/workspaces/team", ActionCatalog.ModelsWrite).Allowed);
        Assert.False(store.Access.Check(bob.Id, "/workspaces/other", ActionCatalog.RunsWrite).Allowed);

        Assert.Equal(ErrorKind.Conflict, Assert.Throws<MlpException>(() => store.Access.DeleteRole("run logger")).Kind);
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => store.Access.Unassign(bob, "Run Logger", "/")).Kind);
        store.Access.Unassign(bob, "RUN LOGGER", "/workspaces/Team");
        Assert.Empty(store.Access.ListAssignments(bob.Id));
        store.Access.DeleteRole("Run Logger");
        Assert.Null(store.Access.FindRole("Run Logger"));
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => store.Access.DeleteRole("Run Logger")).Kind);
        Assert.Equal(ErrorKind.InvalidInput, Assert.Throws<MlpException>(() => store.Access.DeleteRole("Owner")).Kind);
        Assert.Contains("'AzureML Data Scientist'", Assert.Throws<MlpException>(() => store.Access.Assign(bob, "Data Scientist", "/")).Message);
    }

    [StoreFact]
    public void ListAssignments_ByPrincipalAndScope()
    {
        using var store = Backend.Open();
        var bob = store.Identities.Create("bob", PrincipalKind.User);
        var eve = store.Identities.Create("eve", PrincipalKind.User);
        store.Access.Assign(bob, "Reader", "/workspaces/b");
        store.Access.Assign(bob, "Contributor", "/workspaces/a");
        store.Access.Assign(eve, "Owner", "/");
        Assert.Equal(["/", "/workspaces/a", "/workspaces/b"], store.Access.ListAssignments().Select(a => a.Scope));
        Assert.Equal(["/workspaces/a", "/workspaces/b"], store.Access.ListAssignments(bob.Id).Select(a => a.Scope));
        Assert.Equal(["eve", "bob"], store.Access.ListAssignments(scope: "/workspaces/a")
            .Select(a => store.Identities.Get(a.PrincipalId).Name));
        Assert.True(store.Access.Check(eve.Id, "/workspaces/zzz", ActionCatalog.ModelsWrite).Allowed);
    }

    [StoreFact]
    public void RemoveWorkspace_DropsItsAssignmentsOnly()
    {
        using var store = Backend.Open();
        var bob = store.Identities.Create("bob", PrincipalKind.User);
        store.Workspaces.Add("team", "/srv/team", "admin");
        store.Workspaces.Add("a_b", "/srv/a_b", "admin");
        store.Access.Assign(bob, "Reader", "/workspaces/team");
        store.Access.Assign(bob, "Reader", "/workspaces/a_b");
        store.Access.Assign(bob, "Reader", "/workspaces/aXb"); // '_' is no wildcard
        store.Access.Assign(bob, "Reader", "/");
        store.Workspaces.Remove("TEAM", store.Access);
        store.Workspaces.Remove("a_b", store.Access);
        Assert.Equal(["/", "/workspaces/aXb"], store.Access.ListAssignments(bob.Id).Select(a => a.Scope));
        Assert.Empty(store.Workspaces.List());
    }

    [StoreFact]
    public void Workspaces_AddListGet_NamesUniqueIgnoringCase()
    {
        using var store = Backend.Open();
        store.Workspaces.Add("Zeta", "/srv/zeta", "admin");
        store.Workspaces.Add("alpha", "/srv/alpha", "bob");
        Assert.Equal(ErrorKind.Conflict, Assert.Throws<MlpException>(() => store.Workspaces.Add("ZETA", "/srv/other", "admin")).Kind);
        Assert.Equal(ErrorKind.InvalidInput, Assert.Throws<MlpException>(() => store.Workspaces.Add("no spaces", "/x", "admin")).Kind);
        Assert.Equal(["alpha", "Zeta"], store.Workspaces.List().Select(w => w.Name));
        Assert.Equal(("/srv/zeta", "admin"), (store.Workspaces.Get("zeta").Location, store.Workspaces.Get("zeta").CreatedBy));
        Assert.Contains("'alpha', 'Zeta'", Assert.Throws<MlpException>(() => store.Workspaces.Get("beta")).Message);
    }

    [StoreFact]
    public void Audit_ListSince_OldestFirst()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        using var store = Backend.Open(clock);
        store.Audit.Record("alice", "workspaces/write", "/workspaces/a", AuditOutcome.Succeeded);
        clock.Now += TimeSpan.FromHours(1);
        store.Audit.Record("bob", "workspaces/experiments/runs/write", "/workspaces/a", AuditOutcome.Denied, "needs action");
        Assert.Equal(2, store.Audit.List().Count);
        var recent = Assert.Single(store.Audit.List(clock.Now - TimeSpan.FromMinutes(1)));
        Assert.Equal(("bob", AuditOutcome.Denied, "needs action", clock.Now), (recent.Principal, recent.Outcome, recent.Detail, recent.Time));
        Assert.Null(recent.CorrelationId);
    }

    [StoreFact]
    public void Audit_ListMax_KeepsTheNewestInOrder()
    {
        using var store = Backend.Open();
        for (var i = 0; i < 5; i++) store.Audit.Record("p" + i, "a", "/", AuditOutcome.Succeeded);
        Assert.Equal(["p2", "p3", "p4"], store.Audit.List(max: 3).Select(e => e.Principal));
        Assert.Equal(5, store.Audit.List().Select(e => e.Id).Distinct().Count());
    }

    [StoreFact]
    public void RequestLog_SaveFindPrune_FirstResponseWins()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        using var store = Backend.Open(clock);
        var body = new byte[70_000];
        Random.Shared.NextBytes(body);
        Assert.Null(store.Requests.Find("tok_a", "req-1"));
        store.Requests.Save("tok_a", "req-1", 201, "application/json; charset=utf-8", body);
        store.Requests.Save("tok_a", "req-1", 500, "text/plain", [9]); // a second save is ignored
        var first = store.Requests.Find("tok_a", "req-1")!;
        Assert.Equal((201, "application/json; charset=utf-8", clock.Now), (first.Status, first.ContentType, first.At));
        Assert.Equal(body, first.Body);
        Assert.Null(store.Requests.Find("tok_b", "req-1")); // keyed by token too

        clock.Now += TimeSpan.FromHours(2);
        store.Requests.Save("tok_b", "req-1", 204, "", []);
        Assert.Empty(store.Requests.Find("tok_b", "req-1")!.Body);
        Assert.Equal(0, store.Requests.Prune(TimeSpan.FromHours(3)));
        Assert.Equal(1, store.Requests.Prune(TimeSpan.FromHours(1)));
        Assert.Null(store.Requests.Find("tok_a", "req-1"));
        Assert.NotNull(store.Requests.Find("tok_b", "req-1"));

        Assert.Equal(ErrorKind.InvalidInput, Assert.Throws<MlpException>(() => store.Requests.Find("tok_a", new string('x', 201))).Kind);
        Assert.Equal(ErrorKind.InvalidInput, Assert.Throws<MlpException>(() => store.Requests.Save("tok_a", "", 200, "", [])).Kind);
        Assert.Equal(ErrorKind.InvalidInput, Assert.Throws<MlpException>(() => store.Requests.Save("tok_a", "r", 42, "", [])).Kind);
        Assert.Equal(ErrorKind.InvalidInput, Assert.Throws<MlpException>(() => store.Requests.Prune(TimeSpan.FromSeconds(-1))).Kind);
    }

    [StoreFact]
    public void ConcurrentInstances_AssignAndAppend_NothingLostNothingDoubled()
    {
        using var setup = Backend.Open();
        var bob = setup.Identities.Create("bob", PrincipalKind.User);
        var stores = Enumerable.Range(0, 3).Select(_ => Backend.Open()).ToList();
        try
        {
            Parallel.For(0, 60, new ParallelOptions { MaxDegreeOfParallelism = 6 }, i =>
            {
                var s = stores[i % stores.Count];
                s.Access.Assign(bob, "Reader", "/workspaces/team");
                s.Audit.Record("bob", "a" + i, "/", AuditOutcome.Succeeded);
                s.Requests.Save("tok_x", "same", 200 + i % 3, "text/plain", [(byte)i]);
                s.Requests.Save("tok_x", "r" + i, 200, "text/plain", [(byte)i]);
            });
        }
        finally { stores.ForEach(s => s.Dispose()); }
        Assert.Single(setup.Access.ListAssignments(bob.Id));
        Assert.Equal(60, setup.Audit.List().Select(e => e.Action).Distinct().Count());
        Assert.NotNull(setup.Requests.Find("tok_x", "same"));
        Assert.All(Enumerable.Range(0, 60), i => Assert.Equal([(byte)i], setup.Requests.Find("tok_x", "r" + i)!.Body));
    }
}
