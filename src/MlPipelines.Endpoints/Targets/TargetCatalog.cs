using MlPipelines.Core.Errors;
using MlPipelines.Endpoints.Services;

namespace MlPipelines.Endpoints.Targets;

/// <summary>The deployment targets by name.</summary>
public static class TargetCatalog
{
    /// <summary>Names of all targets.</summary>
    public static readonly IReadOnlyList<string> Names = ["local", "docker", "kubernetes"];

    /// <summary>The adapter for <paramref name="name"/>; Invalid lists the known targets.</summary>
    public static IDeploymentTarget Get(string name, EndpointsContext context) => name switch
    {
        "local" => new LocalTarget(context),
        "docker" => new DockerTarget(context),
        "kubernetes" => new KubernetesTarget(context),
        _ => throw MlpException.Invalid($"Unknown deployment target '{name}'; expected one of {string.Join(", ", Names.Select(n => $"'{n}'"))}."),
    };
}
