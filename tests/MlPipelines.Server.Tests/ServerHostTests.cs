using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MlPipelines.Core.Errors;
using MlPipelines.Server.Hosting;

namespace MlPipelines.Server.Tests;

public class ServerHostTests
{
    [Fact]
    public async Task Server_OwnerAddsReader_ReaderReadsRunsButCannotCreateThem()
    {
        await using var server = await RunningServer.StartAsync();
        Assert.StartsWith("https://127.0.0.1:", server.Host.Url);
        using var admin = server.Client(server.AdminToken);

        Assert.Equal(HttpStatusCode.Created, (await admin.Post("/api/v1/workspaces", new { name = "team" })).StatusCode);
        var run = await (await admin.Post("/api/v1/workspaces/team/runs", new { experiment = "churn", displayName = "first", status = "Running" })).Json();
        var runId = run.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"/api/v1/workspaces/team/runs/{runId}/metrics",
            new { points = new[] { new { name = "loss", value = 0.5, step = 1 }, new { name = "loss", value = 0.25, step = 2 } } })).StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await admin.Post("/api/v1/identities", new { name = "bob" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post("/api/v1/workspaces/team/roleAssignments", new { principal = "bob", role = "Reader" })).StatusCode);
        var token = await (await admin.Post("/api/v1/tokens", new { principal = "bob", description = "bob's laptop", expiresInDays = 30 })).Json();
        var bobSecret = token.GetProperty("secret").GetString()!;

        using var bob = server.Client(bobSecret);
        var runs = await (await bob.GetAsync("/api/v1/workspaces/team/runs")).Json();
        Assert.Equal(runId, runs[0].GetProperty("id").GetString());
        var metrics = await (await bob.GetAsync($"/api/v1/workspaces/team/runs/{runId}/metrics?name=loss")).Json();
        Assert.Equal([0.5, 0.25], metrics.EnumerateArray().Select(m => m.GetProperty("value").GetDouble()));

        var denied = await bob.Post("/api/v1/workspaces/team/runs", new { experiment = "churn" });
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        var body = await denied.Json();
        Assert.Equal("'bob' needs action 'workspaces/experiments/runs/write' on scope '/workspaces/team'", body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("correlationId").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.Post("/api/v1/workspaces/team/roleAssignments", new { principal = "bob", role = "Owner" })).StatusCode);
        var listed = await (await bob.GetAsync("/api/v1/workspaces")).Json();
        Assert.Equal(["team"], listed.EnumerateArray().Select(w => w.GetProperty("name").GetString()));

        var audit = server.Host.Store.Audit.List();
        Assert.Contains(audit, e => e.Principal == "admin" && e.Action == "workspaces/write" && e.Outcome == Store.AuditOutcome.Succeeded);
        Assert.Contains(audit, e => e.Principal == "admin" && e.Action == "roleAssignments/write" && e.Target == "/api/v1/workspaces/team/roleAssignments");
        Assert.Contains(audit, e => e.Principal == "admin" && e.Action == "identities/tokens/write");
        Assert.Contains(audit, e => e.Principal == "bob" && e.Action == "workspaces/experiments/runs/write" && e.Outcome == Store.AuditOutcome.Denied);
        Assert.DoesNotContain(audit, e => e.Action.EndsWith("/read") && e.Outcome == Store.AuditOutcome.Succeeded);

        var viaApi = await (await admin.GetAsync("/api/v1/audit?since=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O")))).Json();
        Assert.Contains(viaApi.EnumerateArray(), e => e.GetProperty("outcome").GetString() == "Denied");
    }

    [Fact]
    public async Task Server_MetricsWriter_LogsMetricsAndNothingElse()
    {
        await using var server = await RunningServer.StartAsync();
        using var admin = server.Client(server.AdminToken);
        await admin.Post("/api/v1/workspaces", new { name = "w" });
        var runId = (await (await admin.Post("/api/v1/workspaces/w/runs", new { experiment = "e", status = "Running" })).Json()).GetProperty("id").GetString();
        await admin.Post("/api/v1/identities", new { name = "ci", kind = "ServicePrincipal" });
        await admin.Post("/api/v1/workspaces/w/roleAssignments", new { principal = "ci", role = "AzureML Metrics Writer" });
        var secret = (await (await admin.Post("/api/v1/tokens", new { principal = "ci" })).Json()).GetProperty("secret").GetString();
        using var ci = server.Client(secret);

        Assert.Equal(HttpStatusCode.OK, (await ci.Post($"/api/v1/workspaces/w/runs/{runId}/metrics", new { points = new[] { new { name = "acc", value = 0.9 } } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ci.Post("/api/v1/workspaces/w/runs/nope/metrics", new { points = new[] { new { name = "acc", value = 0.9 } } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ci.GetAsync($"/api/v1/workspaces/w/runs/{runId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ci.Post("/api/v1/workspaces/w/runs", new { experiment = "e" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ci.GetAsync("/api/v1/audit")).StatusCode);
    }

    [Fact]
    public async Task Server_BadOrRevokedToken_401()
    {
        await using var server = await RunningServer.StartAsync();
        using var anonymous = server.Client(null);
        var r = await anonymous.GetAsync("/api/v1/workspaces");
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Contains("Bearer", r.Headers.WwwAuthenticate.ToString());
        using var wrong = server.Client(Identity.ApiTokens.NewSecret());
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/v1/me")).StatusCode);

        using var admin = server.Client(server.AdminToken);
        var issued = await (await admin.Post("/api/v1/tokens", new { principal = "admin" })).Json();
        using var second = server.Client(issued.GetProperty("secret").GetString());
        Assert.Equal("admin", (await (await second.GetAsync("/api/v1/me")).Json()).GetProperty("principal").GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync("/api/v1/tokens/" + issued.GetProperty("info").GetProperty("id").GetString())).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("/api/v1/me")).StatusCode);
        Assert.Contains(server.Host.Store.Audit.List(), e => e.Action == "signIn" && e.Principal == "admin");
        Assert.Contains(server.Host.Store.Audit.List(), e => e.Outcome == Store.AuditOutcome.Unauthenticated);
    }

    [Fact]
    public async Task Server_Limits_413And400NamingFieldAndLimit()
    {
        await using var server = await RunningServer.StartAsync(o => o with { MaxRequestBodyBytes = 64 * 1024, MaxPointsPerBatch = 100 });
        using var admin = server.Client(server.AdminToken);
        await admin.Post("/api/v1/workspaces", new { name = "w" });
        var runId = (await (await admin.Post("/api/v1/workspaces/w/runs", new { experiment = "e" })).Json()).GetProperty("id").GetString();

        var tooMany = await admin.Post($"/api/v1/workspaces/w/runs/{runId}/metrics", new { points = Enumerable.Range(0, 101).Select(i => new { name = "m", value = 1.0, step = i }) });
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("the limit is 100 per batch", (await tooMany.Json()).GetProperty("error").GetString());

        var big = await admin.PostAsync("/api/v1/workspaces/w/runs", new StringContent("{\"experiment\":\"" + new string('x', 70_000) + "\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);

        var malformed = await admin.PostAsync($"/api/v1/workspaces/w/runs/{runId}/metrics", new StringContent("""{"points":[{"name":"m","value":"high"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("'$.points[0].value'", (await malformed.Json()).GetProperty("error").GetString());

        var missing = await admin.PostAsync("/api/v1/workspaces", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("name", (await missing.Json()).GetProperty("error").GetString());

        var badName = await admin.Post("/api/v1/workspaces", new { name = "../etc" });
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/workspaces/nope/runs")).StatusCode);
        Assert.Contains(server.Host.Store.Audit.List(), e => e.Outcome == Store.AuditOutcome.Failed && e.Detail!.Contains("HTTP 400: Workspace name '../etc'"));
    }

    [Fact]
    public async Task Server_OpenApi_PublicAndEveryOperationDeclaresAnAction()
    {
        await using var server = await RunningServer.StartAsync();
        using var anonymous = server.Client(null);
        var doc = await (await anonymous.GetAsync("/openapi/v1.json")).Json();
        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/v1/workspaces/{workspace}/runs", out _));

        var endpoints = server.Host.Endpoints();
        Assert.True(endpoints.Count > 20);
        // MLflow's multipart part URLs authenticate by the token they carry (the handler checks it), like a presigned URL.
        foreach (var e in endpoints.Where(e => e.Metadata.GetMetadata<Api.PublicEndpoint>() is null && e.Metadata.GetMetadata<MlPipelines.Mlflow.MlflowPresignedUrl>() is null))
            Assert.True(e.Metadata.GetMetadata<Api.RequiresAction>() is not null || e.Metadata.GetMetadata<Api.AuthenticatedOnly>() is not null, e.DisplayName);
    }

    [Fact]
    public async Task Server_DevCert_PrivateFilesAndStableAcrossRestarts()
    {
        await using var first = await RunningServer.StartAsync();
        var certPath = Path.Combine(first.Folder, "server", DevCertificate.CertFile);
        if (!OperatingSystem.IsWindows())
            foreach (var f in new[] { certPath, Path.Combine(first.Folder, "server", DevCertificate.KeyFile) })
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f));
        using var again = DevCertificate.LoadOrCreate(Path.Combine(first.Folder, "server"));
        Assert.Equal(DevCertificate.Fingerprint(first.Host.Certificate!), DevCertificate.Fingerprint(again));
        Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", DevCertificate.Fingerprint(again));

        using var untrusting = new HttpClient { BaseAddress = new Uri(first.Host.Url) };
        await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync("/healthz"));
    }

    [Theory]
    [InlineData("0.0.0.0:8443", "only on a loopback address")]
    [InlineData("192.168.1.5:8443", "only on a loopback address")]
    public void Options_InsecureHttpOffLoopback_Refused(string listen, string why)
    {
        var e = Assert.Throws<MlpException>(() => ServerOptions.Create("sqlite:/tmp/x.db", null, listen, null, null, false, insecureHttp: true));
        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void Options_BadPostgresAndMissingTls_ExplainWhy()
    {
        Assert.Contains("not a valid PostgreSQL address", Assert.Throws<MlpException>(() =>
            ServerOptions.Create("postgresql://u:secret@h", null, "127.0.0.1:1", null, null, true, false)).Message);
        Assert.DoesNotContain("secret", Assert.Throws<MlpException>(() =>
            ServerOptions.Create("postgresql://u:secret@h", null, "127.0.0.1:1", null, null, true, false)).Message);
        Assert.Contains("--dev-cert", Assert.Throws<MlpException>(() => ServerOptions.Create("sqlite:x.db", null, "127.0.0.1:1", null, null, false, false)).Message);
        Assert.Equal(8443, ServerOptions.Create("sqlite:x.db", null, "[::1]:8443", null, null, false, true).Listen.Port);
    }

    [Fact]
    public async Task Server_InsecureHttpOnLoopback_Serves()
    {
        using var dir = new TempDir();
        var options = ServerOptions.Create("sqlite:" + dir.Combine("s.db"), null, "127.0.0.1:0", null, null, false, insecureHttp: true);
        await using var host = await ServerHost.StartAsync(options);
        Assert.StartsWith("http://127.0.0.1:", host.Url);
        using var http = new HttpClient { BaseAddress = new Uri(host.Url) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", host.AdminToken);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/me")).StatusCode);
        await using var again = await ServerHost.StartAsync(options);
        Assert.Null(again.AdminToken); // bootstrapped once only
    }
}
