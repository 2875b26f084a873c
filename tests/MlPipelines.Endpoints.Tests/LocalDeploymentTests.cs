using MlPipelines.Core.Endpoints;
using MlPipelines.Endpoints.Local;
using MlPipelines.Endpoints.Services;
using MlPipelines.Endpoints.Tests.Support;

namespace MlPipelines.Endpoints.Tests;

public sealed class LocalDeploymentTests
{
    private static NewDeployment Deployment(string name, int instances = 1) =>
        new() { Endpoint = "iris", Name = name, Model = "iris", Instances = instances };

    [Fact]
    public async Task Create_TwoDeploymentsWithSplit_InvokeReachesBothAndHistoryRecordsChanges()
    {
        await using var ws = new EndpointWorkspace();
        ws.AddModel("iris");
        var endpoint = await ws.Endpoints_.CreateAsync("iris");
        Assert.StartsWith("http://127.0.0.1:", endpoint.Url);
        var blue = await ws.Deployments.CreateAsync(Deployment("blue", instances: 2));
        Assert.Equal(DeploymentStatus.Healthy, blue.Status);
        Assert.Equal(2, blue.Instances.Count);
        await ws.Endpoints_.SetTrafficAsync("iris", new Dictionary<string, int> { ["blue"] = 100 }, null);
        await ws.Deployments.CreateAsync(Deployment("green"));
        await ws.Endpoints_.SetTrafficAsync("iris", new Dictionary<string, int> { ["blue"] = 50, ["green"] = 50 }, null);

        var answered = new HashSet<string?>();
        for (var i = 0; i < 40; i++)
        {
            var r = await ws.Endpoints_.InvokeAsync("iris", "{\"data\":[1]}");
            Assert.Equal(200, r.Status);
            answered.Add(r.Deployment);
        }
        Assert.Equal(["blue", "green"], answered.Order());
        Assert.Equal("green", (await ws.Endpoints_.InvokeAsync("iris", "{}", "green")).Deployment);
        var history = ws.Endpoints.TrafficHistory("iris");
        Assert.Equal(2, history.Count);
        Assert.Equal(50, history[^1].To["green"]);
    }

    [Fact]
    public async Task Delete_EndpointWithInstances_StopsAllItsProcesses()
    {
        await using var ws = new EndpointWorkspace();
        ws.AddModel("iris");
        await ws.Endpoints_.CreateAsync("iris");
        var blue = await ws.Deployments.CreateAsync(Deployment("blue", instances: 2));
        var green = await ws.Deployments.CreateAsync(Deployment("green"));
        var pids = blue.Instances.Concat(green.Instances).Select(i => i.ProcessId!.Value).ToList();
        Assert.Equal(3, pids.Count);
        Assert.All(pids, pid => Assert.True(ProcessLiveness.IsAlive(pid)));

        await ws.Endpoints_.DeleteAsync("iris");

        Assert.All(pids, pid => Assert.False(ProcessLiveness.IsAlive(pid), $"instance process {pid} outlived its endpoint"));
        Assert.Null(ws.Endpoints.FindEndpoint("iris"));
        Assert.Empty(ws.Endpoints.ListDeployments("iris"));
    }

    [Fact]
    public async Task Supervise_KilledInstance_IsRestartedAndRestartRecorded()
    {
        await using var ws = new EndpointWorkspace();
        ws.AddModel("iris");
        await ws.Endpoints_.CreateAsync("iris");
        var blue = await ws.Deployments.CreateAsync(Deployment("blue"));
        var pid = blue.Instances[0].ProcessId!.Value;
        System.Diagnostics.Process.GetProcessById(pid).Kill();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        DeploymentRecord current;
        do
        {
            await Task.Delay(200);
            current = ws.Endpoints.FindDeployment("iris", "blue")!;
        }
        while (DateTime.UtcNow < deadline && !(current.Status == DeploymentStatus.Healthy && current.Instances[0].Restarts == 1));
        Assert.Equal(DeploymentStatus.Healthy, current.Status);
        Assert.Equal(1, current.Instances[0].Restarts);
        Assert.NotNull(current.Instances[0].LastRestartAt);
        Assert.NotEqual(pid, current.Instances[0].ProcessId);
    }

    [Fact]
    public async Task StopStart_Workspace_StopsEverythingAndBringsItBack()
    {
        await using var ws = new EndpointWorkspace();
        ws.AddModel("iris");
        await ws.Endpoints_.CreateAsync("iris");
        var blue = await ws.Deployments.CreateAsync(Deployment("blue"));
        await ws.Endpoints_.SetTrafficAsync("iris", new Dictionary<string, int> { ["blue"] = 100 }, null);
        var daemon = (await ws.Context.DaemonClient.RunningAsync())!;

        Assert.True(await ws.Endpoints_.StopAllAsync());
        Assert.False(ProcessLiveness.IsAlive(daemon.Pid));
        Assert.False(ProcessLiveness.IsAlive(blue.Instances[0].ProcessId!.Value));

        await ws.Endpoints_.StartAllAsync();
        await ws.Deployments.WaitHealthyAsync(blue);
        Assert.Equal(200, (await ws.Endpoints_.InvokeAsync("iris", "{}")).Status);
    }
}
