using MlPipelines.Compute;
using MlPipelines.Compute.Slurm;
using MlPipelines.Core.Compute;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Workspaces;

namespace MlPipelines.Compute;

/// <summary>
/// Turns compute targets registered in a workspace (<c>mlp compute create</c>) into <see cref="IComputeTarget"/>s: the
/// one place that knows which adapter serves which kind. Targets are built on first use.
/// </summary>
public static class ComputeTargetFactory
{
    /// <summary>
    /// The built-in <c>local</c> target, the workspace's registered targets and then <paramref name="extra"/> (targets
    /// the program adds in code, which win over registered ones of the same name).
    /// </summary>
    public static ComputeTargetRegistry Registry(IWorkspace? workspace, IEnumerable<IComputeTarget> extra)
    {
        var registry = ComputeTargetRegistry.CreateDefault();
        if (workspace is not null)
            foreach (var definition in workspace.Computes.List()) registry.Add(Lazy(definition));
        foreach (var t in extra) registry.Add(t);
        return registry;
    }

    /// <summary>A target for <paramref name="definition"/>, built when first used, limited to its max-concurrent.</summary>
    public static IComputeTarget Lazy(ComputeTargetDefinition definition) =>
        new LazyComputeTarget(definition.Name, () => Create(definition), definition.Kind is "docker" or "kubernetes");

    /// <summary>Builds the adapter of a definition now (InvalidInput when its options do not make a working target).</summary>
    public static IComputeTarget Create(ComputeTargetDefinition definition)
    {
        IComputeTarget target = definition.Kind switch
        {
            "local" => new NamedLocalTarget(definition.Name),
            "slurm" => new SlurmTarget(SlurmOptions.FromDefinition(definition)),
            "docker" => new Docker.DockerTarget(Docker.DockerComputeOptions.FromDefinition(definition)),
            "kubernetes" => new Kubernetes.KubernetesTarget(Kubernetes.KubernetesComputeOptions.FromDefinition(definition)),
            _ => throw MlpException.Invalid($"Compute target '{definition.Name}' is of kind '{definition.Kind}'; expected one of {string.Join(", ", ComputeKinds.All)}."),
        };
        return definition.MaxConcurrent is { } n ? new ConcurrencyLimitedTarget(target, n) : target;
    }

    /// <summary>A registered <c>local</c> target: the local process target under another name (e.g. with a concurrency limit).</summary>
    private sealed class NamedLocalTarget(string name) : IComputeTarget
    {
        private readonly LocalProcessTarget _local = new();
        public string Name => name;
        public Task<ComputeResult> RunAsync(ComputeJob job, ComputeObserver observer, CancellationToken cancellationToken) =>
            _local.RunAsync(job, observer, cancellationToken);
    }
}
