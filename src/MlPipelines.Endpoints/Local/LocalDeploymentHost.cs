using MlPipelines.Core.Endpoints;

namespace MlPipelines.Endpoints.Local;

/// <summary>The supervised instances of one local deployment, and the status they add up to.</summary>
internal sealed class LocalDeploymentHost : IAsyncDisposable
{
    private readonly List<SupervisedInstance> _instances = [];
    private readonly DeploymentPaths _paths;
    private readonly HttpClient _http;

    public LocalDeploymentHost(string endpoint, string deployment, LaunchSpec spec, DeploymentPaths paths, HttpClient http)
    {
        Endpoint = endpoint;
        Deployment = deployment;
        Spec = spec;
        _paths = paths;
        _http = http;
    }

    public string Endpoint { get; }
    public string Deployment { get; }
    public LaunchSpec Spec { get; }
    /// <summary>The internal secret of this deployment's instances (in memory only; see <see cref="InstanceSecrets"/>).</summary>
    public string Secret { get; } = InstanceSecrets.New();
    public IReadOnlyList<SupervisedInstance> Instances => _instances;

    /// <summary>Starts or stops instances until <paramref name="count"/> run; <paramref name="knownPorts"/> keeps addresses stable across daemon restarts.</summary>
    public async Task ResizeAsync(int count, IReadOnlyList<DeploymentInstance> knownPorts)
    {
        while (_instances.Count < count)
        {
            var index = _instances.Count;
            var id = $"{Deployment}-{index}";
            var port = knownPorts.FirstOrDefault(k => k.Id == id) is { } known && Uri.TryCreate(known.Address, UriKind.Absolute, out var u) ? u.Port : 0;
            var dir = _paths.Deployment(Endpoint, Deployment);
            Directory.CreateDirectory(dir);
            _instances.Add(new SupervisedInstance(id, Spec, _paths.InstanceLog(Endpoint, Deployment, index), dir, _http, port, Secret));
        }
        while (_instances.Count > count)
        {
            var last = _instances[^1];
            _instances.RemoveAt(_instances.Count - 1);
            await last.DisposeAsync();
        }
    }

    /// <summary>Addresses of instances that passed their readiness check and are running.</summary>
    public IReadOnlyList<string> ReadyAddresses => _instances.Where(i => i.Ready).Select(i => i.Address).ToList();

    public IReadOnlyList<DeploymentInstance> Describe() =>
        _instances.Select(i => new DeploymentInstance(i.Id, i.Address, i.ProcessId, null, i.Restarts, i.LastRestartAt)).ToList();

    public (DeploymentStatus Status, string? Reason) Status()
    {
        if (_instances.Count > 0 && _instances.All(i => i.Ready)) return (DeploymentStatus.Healthy, null);
        var error = _instances.Select(i => i.LastError).FirstOrDefault(e => e is not null);
        if (_instances.Any(i => i.EverReady))
            return (DeploymentStatus.Unhealthy, $"{_instances.Count(i => i.Ready)} of {_instances.Count} instances ready; {error}");
        if (_instances.Any(i => i.FailedStarts >= 2)) return (DeploymentStatus.Failed, error);
        return (DeploymentStatus.Creating, error);
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_instances.Select(i => i.DisposeAsync().AsTask()));
        _instances.Clear();
    }
}
