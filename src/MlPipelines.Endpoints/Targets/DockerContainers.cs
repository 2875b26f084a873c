using MlPipelines.Containers;
using MlPipelines.Core.Endpoints;
using MlPipelines.Endpoints.Services;

namespace MlPipelines.Endpoints.Targets;

/// <summary>Workspace-wide operations on the containers of docker deployments (used by <c>mlp endpoint stop</c>).</summary>
public static class DockerContainers
{
    /// <summary>Stops every container recorded for a docker deployment of the workspace; returns how many were running. No engine: 0.</summary>
    public static async Task<int> StopAllAsync(EndpointsContext context, CancellationToken ct)
    {
        var containers = context.Store.ListDeployments().Where(d => d.Target == "docker")
            .SelectMany(d => d.Instances).Select(i => i.ContainerId).OfType<string>().ToList();
        if (containers.Count == 0) return 0;
        using var engine = new DockerEngineClient(DockerEndpoint.FromEnvironment());
        if (!(await engine.PingAsync(TimeSpan.FromSeconds(3), ct)).Ok) return 0;
        var stopped = 0;
        foreach (var id in containers)
        {
            try
            {
                if (!(await engine.InspectContainerAsync(id, ct)).Running) continue;
                await engine.StopContainerAsync(id, 2, ct);
                stopped++;
            }
            catch (Exception e) when (e is HttpRequestException or Core.Errors.MlpException)
            {
                // removed meanwhile: nothing left to stop
            }
        }
        return stopped;
    }

    /// <summary>True for deployments whose containers the daemon supervises.</summary>
    internal static bool Supervised(DeploymentRecord d) =>
        d.Target == "docker" && d.Status is not (DeploymentStatus.Creating or DeploymentStatus.Failed or DeploymentStatus.Deleting)
        && d.Instances.Any(i => i.ContainerId is not null);
}
