using System.Diagnostics;
using System.Text.Json;
using MlPipelines.Containers;
using MlPipelines.Core.Endpoints;

namespace MlPipelines.Images.Tests;

/// <summary>
/// The endpoint daemon supervises docker deployments like local ones, against a real engine: a killed container is
/// reported Unhealthy, restarted and counted; with the daemon killed, <c>mlp endpoint stop</c> still stops the
/// containers and <c>mlp endpoint start</c> brings them back.
/// </summary>
public sealed class DockerSupervisionTests : IDisposable
{
    private readonly ImageWorkspace _ws = new();
    private readonly string _host = Services.DockerHost;

    public void Dispose() => _ws.Dispose();

    [RequiresDockerAndRegistryFact]
    public async Task KilledContainer_IsUnhealthyWhileDown_ThenRestartedAndCounted()
    {
        var factor = Deploy("sumkill");
        try
        {
            var before = Find();
            Assert.Equal(0, before.Instances[0].Restarts);
            using (var engine = new DockerEngineClient(DockerEndpoint.Parse(_host)))
                await engine.KillContainerAsync(before.Instances[0].ContainerId!);

            var seen = new List<string>();
            var watch = Stopwatch.StartNew();
            DeploymentRecord now;
            do
            {
                await Task.Delay(50);
                now = Find();
                if (now.Status != DeploymentStatus.Healthy) seen.Add($"{now.Status}: {now.StatusReason}");
            }
            while (!(now.Status == DeploymentStatus.Healthy && now.Instances[0].Restarts == 1) && watch.Elapsed < TimeSpan.FromSeconds(60));

            Assert.True(now.Status == DeploymentStatus.Healthy, $"not healthy again after 60 s: {now.Status} {now.StatusReason}");
            Assert.Equal(1, now.Instances[0].Restarts);
            Assert.NotNull(now.Instances[0].LastRestartAt);
            Assert.Equal(before.Instances[0].ContainerId, now.Instances[0].ContainerId);
            Assert.Contains(seen, s => s.StartsWith("Unhealthy: 0 of 1 instances ready", StringComparison.Ordinal) && s.Contains("exit code 137"));

            var invoke = _ws.Mlp(_host, "endpoint", "invoke", "sums", "--deployment", "box", "--data", """{"x":[2,3]}""");
            Assert.True(invoke.ExitCode == 0, invoke.Stdout + invoke.Stderr);
            Assert.Contains($"{{\"y\":{5 * factor}}}", invoke.Stdout);
        }
        finally
        {
            Cleanup();
        }
    }

    [RequiresDockerAndRegistryFact]
    public async Task EndpointStop_WithDaemonKilled_StopsContainers_AndStartServesAgain()
    {
        var factor = Deploy("sumstop");
        try
        {
            var containerId = Find().Instances[0].ContainerId!;
            var daemon = Directory.GetFiles(Path.Combine(_ws.Root, ".mlp"), "daemon.json", SearchOption.AllDirectories).Single();
            var pid = JsonDocument.Parse(File.ReadAllText(daemon)).RootElement.GetProperty("pid").GetInt32();
            Process.GetProcessById(pid).Kill();
            await WaitAsync(() => !Endpoints.Local.ProcessLiveness.IsAlive(pid), "the daemon to die");
            Assert.True(await RunningAsync(containerId), "the container should outlive a killed daemon until 'endpoint stop'");

            var stop = _ws.Mlp(_host, "endpoint", "stop");
            Assert.True(stop.ExitCode == 0, stop.Stdout + stop.Stderr);
            Assert.False(await RunningAsync(containerId), "'mlp endpoint stop' left the container running");
            Assert.Equal(DeploymentStatus.Unhealthy, Find().Status);

            var start = _ws.Mlp(_host, "endpoint", "start");
            Assert.True(start.ExitCode == 0, start.Stdout + start.Stderr);
            var after = Find();
            Assert.Equal(DeploymentStatus.Healthy, after.Status);
            Assert.Equal(0, after.Instances[0].Restarts); // started on purpose, not a crash
            var invoke = _ws.Mlp(_host, "endpoint", "invoke", "sums", "--deployment", "box", "--data", """{"x":[4]}""");
            Assert.True(invoke.ExitCode == 0, invoke.Stdout + invoke.Stderr);
            Assert.Contains($"{{\"y\":{4 * factor}}}", invoke.Stdout);
        }
        finally
        {
            Cleanup();
        }
    }

    private int Deploy(string model)
    {
        var factor = Random.Shared.Next(2, 1000);
        _ws.RegisterSumModel(model, factor);
        var build = _ws.Mlp(_host, "image", "build", model + "@champion", "--base-image", Services.BaseImage);
        Assert.True(build.ExitCode == 0, build.Stdout + build.Stderr);
        Assert.Equal(0, _ws.Mlp(_host, "endpoint", "create", "sums").ExitCode);
        var create = _ws.Mlp(_host, "deployment", "create", "sums", "box", "--model", model + "@champion", "--target", "docker");
        Assert.True(create.ExitCode == 0, create.Stdout + create.Stderr);
        return factor;
    }

    private void Cleanup()
    {
        _ws.Mlp(_host, "deployment", "delete", "sums", "box", "--force");
        _ws.Mlp(_host, "endpoint", "stop");
    }

    private DeploymentRecord Find()
    {
        using var ws = _ws.Open();
        return ws.Endpoints.FindDeployment("sums", "box") ?? throw new InvalidOperationException("deployment 'box' is gone");
    }

    private async Task<bool> RunningAsync(string containerId)
    {
        using var engine = new DockerEngineClient(DockerEndpoint.Parse(_host));
        return (await engine.InspectContainerAsync(containerId)).Running;
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(10)) throw new TimeoutException("timed out waiting for " + what);
            await Task.Delay(50);
        }
    }
}
