using System.Net;
using System.Text.Json;
using MlPipelines.Endpoints.Services;
using MlPipelines.Endpoints.Tests.Support;
using MlPipelines.Scoring.Hosting;

namespace MlPipelines.Endpoints.Tests;

/// <summary>Issue 10 "Endpoints fail safe" with the daemon and real processes: a client's bad requests never roll a
/// rollout back, and instances of the real scoring host answer only the router.</summary>
public sealed class FailSafeDeploymentTests
{
    [Fact]
    public async Task Rollout_StreamOfBadClientRequests_DoesNotRollBack()
    {
        await using var ws = new EndpointWorkspace();
        ws.AddModel("iris");
        ws.AddModel("iris");
        await ws.Endpoints_.CreateAsync("iris");
        await ws.Deployments.CreateAsync(new NewDeployment { Endpoint = "iris", Name = "blue", Model = "iris:1" });
        await ws.Endpoints_.SetTrafficAsync("iris", new Dictionary<string, int> { ["blue"] = 100 }, null);
        var endpoint = ws.Endpoints.FindEndpoint("iris")!;
        var url = endpoint.Url!;
        var router = url[..url.LastIndexOf("/score", StringComparison.Ordinal)];

        using var stop = new CancellationTokenSource();
        var statuses = new List<int>();
        var client = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (status, _) = await RouterFailSafeTests.RawBadChunkedAsync(router, endpoint.PrimaryKey);
                lock (statuses) statuses.Add(status);
            }
        });
        RolloutResult result;
        try
        {
            result = await new RolloutService(ws.Context).RunAsync(new RolloutOptions
            {
                Deployment = new NewDeployment { Endpoint = "iris", Name = "green", Model = "iris:2" },
                Stages = [100],
                StageDuration = TimeSpan.FromSeconds(1),
            });
        }
        finally
        {
            await stop.CancelAsync();
            await client;
        }

        Assert.True(result.Succeeded, result.Message + " | " + string.Join(" | ", result.Steps));
        Assert.Equal(100, ws.Endpoints.FindEndpoint("iris")!.Traffic["green"]);
        Assert.NotEmpty(statuses);
        Assert.All(statuses, s => Assert.Equal(400, s));
        var green = (await ws.Endpoints_.StatsAsync("iris")).Deployments.Single(d => d.Deployment == "green");
        Assert.Equal(0, green.Errors);
    }

    [Fact]
    public async Task Instance_ScoredDirectlyWithoutRouter_Returns401JsonAndSecretStaysHidden()
    {
        await using var ws = new EndpointWorkspace();
        ws.AddModel("iris"); // score.py echoing its input, run by the real scoring host
        var real = ws.Context with { LocalLaunch = null };
        await new EndpointService(real).CreateAsync("iris");
        var blue = await new DeploymentService(real).CreateAsync(new NewDeployment { Endpoint = "iris", Name = "blue", Model = "iris:1" });
        await ws.Endpoints_.SetTrafficAsync("iris", new Dictionary<string, int> { ["blue"] = 100 }, null);

        var through = await ws.Endpoints_.InvokeAsync("iris", """{"data":[1]}""");
        Assert.True(through.Status == 200, through.Body);

        using var http = new HttpClient();
        var instance = blue.Instances.Single();
        using var direct = await http.PostAsync(instance.Address + "/score", new StringContent("""{"data":[1]}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, direct.StatusCode);
        var error = JsonDocument.Parse(await direct.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("through its endpoint router", error.GetProperty("error").GetString());
        Assert.True(error.TryGetProperty("correlationId", out _));

        // The secret is in the instance's environment, never on its command line, in the spec or in the logs.
        var pid = instance.ProcessId!.Value;
        var environ = File.ReadAllText($"/proc/{pid}/environ").Split('\0');
        var secret = environ.Single(e => e.StartsWith("MLP_INSTANCE_SECRET=", StringComparison.Ordinal))["MLP_INSTANCE_SECRET=".Length..];
        Assert.Equal(64, secret.Length);
        Assert.DoesNotContain(secret, File.ReadAllText($"/proc/{pid}/cmdline"));
        var folder = ws.Context.Paths.Deployment("iris", "blue");
        foreach (var file in Directory.GetFiles(folder)) Assert.DoesNotContain(secret, File.ReadAllText(file));
        if (File.Exists(ws.Context.Paths.DaemonLog)) Assert.DoesNotContain(secret, File.ReadAllText(ws.Context.Paths.DaemonLog));

        // With the secret (as the router sends it) the instance scores.
        using var withSecret = new HttpRequestMessage(HttpMethod.Post, instance.Address + "/score") { Content = new StringContent("""{"data":[1]}""") };
        withSecret.Headers.Add(Scoring.Hosting.ScoringHostCommandLine.InstanceSecretHeader, secret);
        using var ok = await http.SendAsync(withSecret);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }
}
