using System.Diagnostics;
using MlPipelines.Core.Endpoints;
using MlPipelines.Endpoints.Local;
using MlPipelines.Endpoints.Services;

namespace MlPipelines.Endpoints.Targets;

/// <summary>
/// Local processes on 127.0.0.1, one per instance, run and supervised by the workspace's endpoint daemon: this target
/// writes the launch spec, makes sure the daemon runs and asks it to reconcile.
/// </summary>
public sealed class LocalTarget(EndpointsContext context) : IDeploymentTarget
{
    /// <inheritdoc />
    public string Name => "local";

    /// <inheritdoc />
    public async Task<bool> ProvisionAsync(DeploymentPlan plan, CancellationToken ct)
    {
        var spec = (context.LocalLaunch ?? ServingHostLaunch.Create)(plan);
        spec.Save(context.Paths.Spec(plan.Record.Endpoint, plan.Record.Name));
        await context.DaemonClient.EnsureRunningAsync(context.Daemon, ct);
        await context.DaemonClient.ReconcileAsync(ct);
        return true;
    }

    /// <inheritdoc />
    public async Task RemoveAsync(DeploymentRecord deployment, CancellationToken ct)
    {
        var store = context.Store;
        deployment = store.FindDeployment(deployment.Endpoint, deployment.Name) ?? deployment;
        if (await context.DaemonClient.RunningAsync(ct) is not null)
        {
            var watch = Stopwatch.StartNew();
            while (store.FindDeployment(deployment.Endpoint, deployment.Name) is { } current && watch.Elapsed < TimeSpan.FromSeconds(20))
            {
                // Re-marked each round: a status update racing with the first write must not undo the deletion.
                if (current.Status != DeploymentStatus.Deleting)
                    store.SaveDeployment(current with { Status = DeploymentStatus.Deleting, StatusReason = "deleting" });
                await context.DaemonClient.ReconcileAsync(ct);
                await Task.Delay(50, ct);
            }
        }
        // Whatever the daemon did, no instance of this deployment may outlive it.
        for (var i = 0; i < Math.Max(deployment.InstanceCount, deployment.Instances.Count); i++)
            InstancePidFile.KillRecorded(Path.ChangeExtension(context.Paths.InstanceLog(deployment.Endpoint, deployment.Name, i), ".pid"));
        foreach (var i in deployment.Instances)
            if (i.ProcessId is { } pid) ProcessLiveness.KillIfMatches(pid, i.Address);
        if (store.FindDeployment(deployment.Endpoint, deployment.Name) is not null) store.DeleteDeployment(deployment.Endpoint, deployment.Name);
        var dir = context.Paths.Deployment(deployment.Endpoint, deployment.Name);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    /// <inheritdoc />
    public Task<string> LogsAsync(DeploymentRecord deployment, int tailLines, CancellationToken ct)
    {
        var parts = new List<string>();
        for (var i = 0; i < Math.Max(deployment.InstanceCount, deployment.Instances.Count); i++)
        {
            var path = context.Paths.InstanceLog(deployment.Endpoint, deployment.Name, i);
            if (!File.Exists(path)) continue;
            var lines = File.ReadAllLines(path);
            parts.Add($"==> {deployment.Name}-{i} ({path}) <=={Environment.NewLine}{string.Join(Environment.NewLine, lines.TakeLast(tailLines))}");
        }
        return Task.FromResult(parts.Count == 0 ? $"(no logs yet for deployment '{deployment.Name}')" : string.Join(Environment.NewLine, parts));
    }
}
