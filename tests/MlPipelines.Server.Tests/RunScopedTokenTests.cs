using System.Net;

namespace MlPipelines.Server.Tests;

/// <summary>Tokens for step processes: they act for their holder on one run only, and die with the run.</summary>
public class RunScopedTokenTests
{
    [Fact]
    public async Task RunToken_WritesItsRunOnly_RefusedElsewhere_RevokedWhenTheRunEnds()
    {
        await using var server = await RunningServer.StartAsync();
        using var admin = server.Client(server.AdminToken);
        await admin.Post("/api/v1/workspaces", new { name = "team" });
        await admin.Post("/api/v1/workspaces", new { name = "other" });
        var run = (await (await admin.Post("/api/v1/workspaces/team/runs", new { experiment = "e", status = "Running" })).Json()).GetProperty("id").GetString();
        var otherRun = (await (await admin.Post("/api/v1/workspaces/team/runs", new { experiment = "e" })).Json()).GetProperty("id").GetString();
        var issued = await admin.Post($"/api/v1/workspaces/team/runs/{run}/token", new { hours = 2 });
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var secret = (await issued.Json()).GetProperty("secret").GetString();
        using var step = server.Client(secret);
        var points = new { points = new[] { new { name = "loss", value = 1.0 } } };

        Assert.Equal(HttpStatusCode.OK, (await step.GetAsync($"/api/v1/workspaces/team/runs/{run}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await step.Post($"/api/v1/workspaces/team/runs/{run}/metrics", points)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await step.Post($"/api/v1/workspaces/team/runs/{run}/tags", new { values = new Dictionary<string, string> { ["k"] = "v" } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await step.GetAsync("/api/v1/workspaces/team/runs")).StatusCode);

        foreach (var (method, path, body, why) in new (string, string, object?, string)[]
        {
            ("POST", $"/api/v1/workspaces/team/runs/{otherRun}/metrics", points, "may write only that run"),
            ("POST", "/api/v1/workspaces/team/runs", new { experiment = "e" }, "may write only that run"),
            ("GET", "/api/v1/workspaces/other/runs", null, "of workspace 'team'"),
            ("POST", "/api/v1/workspaces/team/models/m/versions", new { }, "cannot use action 'workspaces/models/versions/write'"),
            ("GET", "/api/v1/identities", null, "cannot use action 'identities/read'"),
            ("POST", $"/api/v1/workspaces/team/runs/{run}/token", new { }, "A run-scoped token cannot issue tokens"),
        })
        {
            var r = method == "GET" ? await step.GetAsync(path) : await step.Post(path, body!);
            var error = (await r.Json()).GetProperty("error").GetString()!;
            Assert.True(r.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.BadRequest, $"{method} {path}: {(int)r.StatusCode} {error}");
            Assert.Contains(why, error);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsync($"/api/v1/workspaces/team/runs/{run}/status",
            System.Net.Http.Json.JsonContent.Create(new { status = "Completed" }))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await step.GetAsync($"/api/v1/workspaces/team/runs/{run}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.Post($"/api/v1/workspaces/team/runs/{run}/token", new { })).StatusCode);
    }

    [Fact]
    public async Task RunToken_MlflowCalls_ItsRunOnly()
    {
        await using var server = await RunningServer.StartAsync();
        using var admin = server.Client(server.AdminToken);
        await admin.Post("/api/v1/workspaces", new { name = "team" });
        var run = (await (await admin.Post("/api/v1/workspaces/team/runs", new { experiment = "e", status = "Running" })).Json()).GetProperty("id").GetString();
        var other = (await (await admin.Post("/api/v1/workspaces/team/runs", new { experiment = "e", status = "Running" })).Json()).GetProperty("id").GetString();
        var secret = (await (await admin.Post($"/api/v1/workspaces/team/runs/{run}/token", new { })).Json()).GetProperty("secret").GetString();
        using var step = server.Client(secret);
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var own = await step.Post("/workspaces/team/api/2.0/mlflow/runs/log-metric", new { run_id = run, key = "loss", value = 0.5, timestamp = ts, step = 1 });
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var foreign = await step.Post("/workspaces/team/api/2.0/mlflow/runs/log-metric", new { run_id = other, key = "loss", value = 0.5, timestamp = ts, step = 1 });
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Contains("scoped to run", await foreign.Content.ReadAsStringAsync());
        var create = await step.Post("/workspaces/team/api/2.0/mlflow/runs/create", new { experiment_id = "0" });
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Single((await (await admin.GetAsync($"/api/v1/workspaces/team/runs/{run}/metrics")).Json()).EnumerateArray());
        Assert.Empty((await (await admin.GetAsync($"/api/v1/workspaces/team/runs/{other}/metrics")).Json()).EnumerateArray());
    }

    [Fact]
    public async Task RunToken_ReaderCannotGetOne()
    {
        await using var server = await RunningServer.StartAsync();
        using var admin = server.Client(server.AdminToken);
        await admin.Post("/api/v1/workspaces", new { name = "team" });
        var run = (await (await admin.Post("/api/v1/workspaces/team/runs", new { experiment = "e" })).Json()).GetProperty("id").GetString();
        await admin.Post("/api/v1/identities", new { name = "rita" });
        await admin.Post("/api/v1/workspaces/team/roleAssignments", new { principal = "rita", role = "Reader" });
        var secret = (await (await admin.Post("/api/v1/tokens", new { principal = "rita" })).Json()).GetProperty("secret").GetString();
        using var rita = server.Client(secret);
        var r = await rita.Post($"/api/v1/workspaces/team/runs/{run}/token", new { });
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
    }
}
