using MlPipelines.Core.Endpoints;
using MlPipelines.Core.Errors;
using MlPipelines.Endpoints.Services;

namespace MlPipelines.Endpoints.Targets;

/// <summary>Containers through the Docker Engine API, published on 127.0.0.1 and health-checked by the router.</summary>
public sealed class DockerTarget(EndpointsContext context) : IDeploymentTarget
{
    /// <inheritdoc />
    public string Name => "docker";

    /// <inheritdoc />
    public Task<bool> ProvisionAsync(DeploymentPlan plan, CancellationToken ct) =>
        throw MlpException.Unavailable("The docker deployment target is not available in this build yet; use --target local.");

    /// <inheritdoc />
    public Task RemoveAsync(DeploymentRecord deployment, CancellationToken ct)
    {
        context.Store.DeleteDeployment(deployment.Endpoint, deployment.Name);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<string> LogsAsync(DeploymentRecord deployment, int tailLines, CancellationToken ct) =>
        Task.FromResult("(no container logs)");
}
