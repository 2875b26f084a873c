using MlPipelines.Workspace.Remote;
using System.Net;
using System.Net.Http.Headers;
using MlPipelines.Server.Hosting;
using MlPipelines.Server.Tests.Backends;

namespace MlPipelines.Server.Tests;

/// <summary><c>mlp server --store postgresql://…</c> end to end: metadata in <c>mlp_server</c>, each workspace in its own schema.</summary>
[RequiresPostgres]
public sealed class PostgresServerHostTests : IDisposable
{
    private readonly PostgresDatabase _db = new();
    private readonly TempDir _dir = new();

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }

    private ServerOptions Options(bool devCert = false) =>
        ServerOptions.Create(_db.Uri, _dir.Combine("files"), "127.0.0.1:0", null, null, devCert, insecureHttp: !devCert);

    private static HttpClient Client(ServerHost host, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(host.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private long Count(string sql) => Convert.ToInt64(_db.Scalar(sql));

    [StoreFact]
    public async Task Server_OnPostgres_KeepsRunsAndMetricsAcrossRestartsAndRetiresDeletedWorkspaces()
    {
        string token, runId;
        await using (var host = await ServerHost.StartAsync(Options()))
        {
            token = host.AdminToken!;
            Assert.StartsWith("postgresql://", host.Store.Location);
            using var http = Client(host, token);
            Assert.Equal(HttpStatusCode.Created, (await http.Post("/api/v1/workspaces", new { name = "team" })).StatusCode);
            var run = await (await http.Post("/api/v1/workspaces/team/runs", new { experiment = "churn", displayName = "first", status = "Running" })).Json();
            runId = run.GetProperty("id").GetString()!;
            Assert.Equal(HttpStatusCode.OK, (await http.Post($"/api/v1/workspaces/team/runs/{runId}/metrics",
                new { points = new[] { new { name = "loss", value = 0.5, step = 1 }, new { name = "loss", value = 0.25, step = 2 } } })).StatusCode);
        }

        // Everything is in the database: the server's rows in mlp_server, the workspace's in ws_team; no SQLite file anywhere.
        Assert.Equal(1, Count("SELECT COUNT(*) FROM mlp_server.principals WHERE name = 'admin'"));
        Assert.Equal(1, Count("SELECT COUNT(*) FROM mlp_server.workspaces WHERE name = 'team'"));
        Assert.True(Count("SELECT COUNT(*) FROM mlp_server.audit WHERE action = 'workspaces/write'") >= 1);
        Assert.Equal(1, Count($"SELECT COUNT(*) FROM ws_team.runs WHERE id = '{runId}'"));
        Assert.Equal(1, Count("SELECT COUNT(*) FROM ws_team.experiments WHERE name = 'churn'"));
        Assert.Empty(Directory.EnumerateFiles(_dir.Path, "*.db", SearchOption.AllDirectories));
        Assert.True(Directory.Exists(_dir.Combine("files", "team", "artifacts")));

        await using (var again = await ServerHost.StartAsync(Options()))
        {
            Assert.Null(again.AdminToken); // bootstrapped once, by the first start
            using var http = Client(again, token);
            var runs = await (await http.GetAsync("/api/v1/workspaces/team/runs")).Json();
            Assert.Equal(runId, runs[0].GetProperty("id").GetString());
            var metrics = await (await http.GetAsync($"/api/v1/workspaces/team/runs/{runId}/metrics?name=loss")).Json();
            Assert.Equal([0.5, 0.25], metrics.EnumerateArray().Select(m => m.GetProperty("value").GetDouble()));

            Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("/api/v1/workspaces/team")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/v1/workspaces/team/runs")).StatusCode);
            Assert.Equal(0, Count("SELECT COUNT(*) FROM pg_namespace WHERE nspname = 'ws_team'"));
            var retired = Assert.Single(_db.Column("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'deleted\\_team\\_%'"));
            Assert.Matches("^deleted_team_[0-9]{17}$", retired);
            Assert.Equal(1, Count($"SELECT COUNT(*) FROM \"{retired}\".runs")); // kept, undoable by hand
            Assert.False(Directory.Exists(_dir.Combine("files", "team")));
            Assert.Single(Directory.GetDirectories(_dir.Combine("files", ".deleted"), "team-*"));

            // The name is free again, and the new workspace starts empty.
            Assert.Equal(HttpStatusCode.Created, (await http.Post("/api/v1/workspaces", new { name = "team" })).StatusCode);
            Assert.Equal(0, (await (await http.GetAsync("/api/v1/workspaces/team/runs")).Json()).GetArrayLength());
        }
    }

    [StoreFact]
    public async Task Server_OnPostgres_NamesWithCaseDashesAndFullLength_GetTheirOwnSchemas()
    {
        var longName = "Team-" + new string('x', 59);
        await using var host = await ServerHost.StartAsync(Options());
        using var http = Client(host, host.AdminToken!);
        foreach (var name in new[] { "Team-A", "team_a", longName })
        {
            Assert.Equal(HttpStatusCode.Created, (await http.Post("/api/v1/workspaces", new { name })).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await http.Post($"/api/v1/workspaces/{name}/runs", new { experiment = "e-" + name })).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Conflict, (await http.Post("/api/v1/workspaces", new { name = "TEAM-a" })).StatusCode);
        Assert.Equal("e-Team-A", _db.Scalar("SELECT name FROM \"ws_team-a\".experiments"));
        Assert.Equal("e-team_a", _db.Scalar("SELECT name FROM ws_team_a.experiments"));
        var longSchema = Store.PostgresWorkspaceHome.SchemaFor(longName);
        Assert.Equal(63, longSchema.Length);
        Assert.Equal("e-" + longName, _db.Scalar($"SELECT name FROM \"{longSchema}\".experiments"));
    }

    [StoreFact]
    public async Task Server_OnPostgres_SchemaInTheWay_ConflictNamingIt()
    {
        _db.Exec("CREATE SCHEMA ws_busy; CREATE TABLE ws_busy.mine(x int)");
        await using var host = await ServerHost.StartAsync(Options());
        using var http = Client(host, host.AdminToken!);
        var r = await http.Post("/api/v1/workspaces", new { name = "busy" });
        Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
        Assert.Contains("schema 'ws_busy'", (await r.Json()).GetProperty("error").GetString());
        Assert.Equal(0L, _db.Scalar("SELECT COUNT(*) FROM ws_busy.mine"));
    }

    [StoreFact]
    public async Task Server_OnPostgresWithDevCert_KeepsTheCertificateInTheArtifactsFolder()
    {
        await using var host = await ServerHost.StartAsync(Options(devCert: true));
        Assert.StartsWith("https://127.0.0.1:", host.Url);
        Assert.True(File.Exists(_dir.Combine("files", DevCertificate.CertFile)));
        using var http = new HttpClient(ServerTrust.CreateHandler(_dir.Combine("files", DevCertificate.CertFile))) { BaseAddress = new Uri(host.Url) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
    }
}
