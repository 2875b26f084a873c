using System.Diagnostics;
using MlPipelines.Endpoints.Local;
using MlPipelines.Endpoints.Services;
using MlPipelines.Endpoints.Tests.Support;

namespace MlPipelines.Endpoints.Tests;

/// <summary>No instance outlives the daemon, and stop/start clean up whatever a dead daemon left behind.</summary>
public sealed class OrphanTests
{
    private static NewDeployment Deployment(string name, int instances) => new() { Endpoint = "iris", Name = name, Model = "iris", Instances = instances };

    [Fact]
    public async Task KillDaemon_WithSigkill_NoInstanceAliveWithin5Seconds()
    {
        await using var ws = new EndpointWorkspace();
        ws.AddModel("iris");
        await ws.Endpoints_.CreateAsync("iris");
        var blue = await ws.Deployments.CreateAsync(Deployment("blue", 2));
        var pids = blue.Instances.Select(i => i.ProcessId!.Value).ToList();
        var daemon = (await ws.Context.DaemonClient.RunningAsync())!;

        Process.GetProcessById(daemon.Pid).Kill(entireProcessTree: false);

        Assert.True(await AllDeadAsync(pids, TimeSpan.FromSeconds(5)), $"instances {string.Join(", ", pids.Where(ProcessLiveness.IsAlive))} outlived the daemon");
    }

    [Fact]
    public async Task StopAll_DaemonDeadInstancesAlive_StopsRecordedInstancesOnly()
    {
        await using var ws = new EndpointWorkspace();
        ws.AddModel("iris");
        await ws.Endpoints_.CreateAsync("iris");
        var blue = await ws.Deployments.CreateAsync(Deployment("blue", 2));
        var pids = blue.Instances.Select(i => i.ProcessId!.Value).ToList();
        var daemon = (await ws.Context.DaemonClient.RunningAsync())!;
        // Take the daemon and its guards away without letting them clean up (as a crash of all of them would).
        // Frozen first so it cannot react; then the guards' watchers, the guards and the daemon itself.
        using (var stop = Process.Start("kill", ["-STOP", daemon.Pid.ToString()])) stop.WaitForExit();
        foreach (var helper in Descendants(daemon.Pid).Where(p => !pids.Contains(p)).Reverse()) Kill9(helper);
        Kill9(daemon.Pid);
        Assert.True(await AllDeadAsync([daemon.Pid], TimeSpan.FromSeconds(5)));
        Assert.All(pids, pid => Assert.True(ProcessLiveness.IsAlive(pid), $"precondition: instance {pid} runs without its daemon"));
        // A record whose pid now belongs to another process (other start time) must not kill that process.
        using var bystander = Process.Start("sleep", "60");
        File.WriteAllText(Path.Combine(ws.Context.Paths.Deployment("iris", "blue"), "instance-7.pid"), $"{bystander.Id} 1\n");

        Assert.True(await ws.Endpoints_.StopAllAsync());

        Assert.True(await AllDeadAsync(pids, TimeSpan.FromSeconds(5)), $"instances {string.Join(", ", pids.Where(ProcessLiveness.IsAlive))} survived 'endpoint stop'");
        Assert.True(ProcessLiveness.IsAlive(bystander.Id), "a recycled pid was killed");
        bystander.Kill();
        Assert.Equal(Core.Endpoints.DeploymentStatus.Unhealthy, ws.Endpoints.FindDeployment("iris", "blue")!.Status);
    }

    private static async Task<bool> AllDeadAsync(IReadOnlyList<int> pids, TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        while (pids.Any(ProcessLiveness.IsAlive) && watch.Elapsed < within) await Task.Delay(50);
        return !pids.Any(ProcessLiveness.IsAlive);
    }

    private static void Kill9(int pid)
    {
        try { using var p = Process.GetProcessById(pid); p.Kill(); } catch (Exception e) when (e is ArgumentException or InvalidOperationException) { }
    }

    /// <summary>Every descendant of <paramref name="root"/> by parent pid (from /proc).</summary>
    private static IEnumerable<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                parents[pid] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
            }
            catch (IOException) { }
        }
        var found = new List<int>();
        var queue = new Queue<int>([root]);
        while (queue.TryDequeue(out var p))
            foreach (var child in parents.Where(kv => kv.Value == p).Select(kv => kv.Key)) { found.Add(child); queue.Enqueue(child); }
        return found;
    }
}
