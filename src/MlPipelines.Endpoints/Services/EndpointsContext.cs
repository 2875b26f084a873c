using MlPipelines.Core.Endpoints;
using MlPipelines.Core.Workspaces;
using MlPipelines.Endpoints.Daemon;
using MlPipelines.Endpoints.Local;
using MlPipelines.Endpoints.Targets;

namespace MlPipelines.Endpoints.Services;

/// <summary>What endpoint and deployment operations need: the workspace, how to start the endpoint daemon, who acts.</summary>
public sealed record EndpointsContext
{
    /// <summary>The workspace holding endpoints and deployments.</summary>
    public required IWorkspace Workspace { get; init; }
    /// <summary>How to start the endpoint daemon when it does not run (e.g. <c>mlp endpoint daemon --workspace DIR</c>).</summary>
    public required DaemonCommand Daemon { get; init; }
    /// <summary>Recorded in traffic history.</summary>
    public string Who { get; init; } = Environment.UserName;
    /// <summary>How long a new deployment may take to become healthy.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>Builds the command of a local instance; null uses the scoring host (<see cref="ServingHostLaunch"/>).</summary>
    public Func<DeploymentPlan, LaunchSpec>? LocalLaunch { get; init; }
    /// <summary>Options of the Kubernetes target.</summary>
    public KubernetesOptions Kubernetes { get; init; } = new();

    /// <summary>File layout under the workspace scratch folder.</summary>
    public DeploymentPaths Paths => new(Workspace.ScratchDirectory);
    /// <summary>Client of this workspace's daemon.</summary>
    public DaemonClient DaemonClient => new(Workspace.ScratchDirectory);
    /// <summary>The endpoint store.</summary>
    public IEndpointStore Store => Workspace.Endpoints;
}
