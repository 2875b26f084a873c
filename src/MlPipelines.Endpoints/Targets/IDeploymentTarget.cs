using MlPipelines.Core.Endpoints;
using MlPipelines.Core.Registry;
using MlPipelines.Endpoints.Services;

namespace MlPipelines.Endpoints.Targets;

/// <summary>Everything a target needs to run one deployment: its record (saved as Creating), the model and its scorer.</summary>
/// <param name="Record">The deployment record.</param>
/// <param name="Model">The model version deployed.</param>
/// <param name="ModelDirectory">Where the model files were materialised.</param>
/// <param name="Scorer">How the files are scored.</param>
public sealed record DeploymentPlan(DeploymentRecord Record, ModelVersion Model, string ModelDirectory, ScorerSpec Scorer);

/// <summary>One place deployments run (local processes, Docker containers, Kubernetes manifests).</summary>
public interface IDeploymentTarget
{
    /// <summary>"local", "docker" or "kubernetes".</summary>
    string Name { get; }

    /// <summary>Starts the deployment. Returns true when the caller should wait for the record to become Healthy.</summary>
    Task<bool> ProvisionAsync(DeploymentPlan plan, CancellationToken ct);

    /// <summary>Stops everything the deployment runs and deletes its record.</summary>
    Task RemoveAsync(DeploymentRecord deployment, CancellationToken ct);

    /// <summary>Recent log output of the deployment's instances.</summary>
    Task<string> LogsAsync(DeploymentRecord deployment, int tailLines, CancellationToken ct);
}
