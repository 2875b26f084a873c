using MlPipelines.Containers;
using MlPipelines.Core.Endpoints;

namespace MlPipelines.Endpoints.Docker;

/// <summary>The supervised containers of one docker deployment, and the status they add up to.</summary>
internal sealed class DockerDeploymentHost : IAsyncDisposable
{
    private readonly List<SupervisedContainer> _instances;

    public DockerDeploymentHost(DeploymentRecord deployment, DockerEngineClient engine, HttpClient http)
    {
        _instances = deployment.Instances.Where(i => i.ContainerId is not null).Select(i => new SupervisedContainer(i, engine, http)).ToList();
        Containers = string.Join(",", _instances.Select(i => i.ContainerId));
    }

    /// <summary>The container ids watched, to notice when a recreated deployment brings new ones.</summary>
    public string Containers { get; }

    /// <summary>Addresses of containers that run and answer their readiness probe (until first checked: as recorded).</summary>
    public IReadOnlyList<string> ReadyAddresses => _instances.Where(i => i.Ready || !i.Checked).Select(i => i.Address).ToList();

    public IReadOnlyList<DeploymentInstance> Describe() =>
        _instances.Select(i => new DeploymentInstance(i.Id, i.Address, null, i.ContainerId, i.Restarts, i.LastRestartAt)).ToList();

    /// <summary>The status the containers add up to, or null until each has been checked once (the record stands until then).</summary>
    public (DeploymentStatus Status, string? Reason)? Status()
    {
        if (!_instances.All(i => i.Checked)) return null;
        if (_instances.Count > 0 && _instances.All(i => i.Ready)) return (DeploymentStatus.Healthy, null);
        var error = _instances.Select(i => i.LastError).FirstOrDefault(e => e is not null);
        if (_instances.Count > 0 && _instances.All(i => i.Gone)) return (DeploymentStatus.Failed, error);
        return (DeploymentStatus.Unhealthy, $"{_instances.Count(i => i.Ready)} of {_instances.Count} instances ready; {error}");
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_instances.Select(i => i.DisposeAsync().AsTask()));
        _instances.Clear();
    }
}
