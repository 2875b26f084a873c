using MlPipelines.Containers;
using MlPipelines.Core.Endpoints;
using MlPipelines.Core.Errors;
using MlPipelines.Endpoints.Docker;
using MlPipelines.Endpoints.Local;
using MlPipelines.Endpoints.Routing;

namespace MlPipelines.Endpoints.Daemon;

/// <summary>
/// Makes the running world match the workspace: one router per endpoint, supervised processes for every local
/// deployment, supervised containers for every docker deployment, deployment records updated with
/// status/instances/restarts, and processes of deleted deployments stopped.
/// </summary>
internal sealed class EndpointReconciler(IEndpointStore store, DeploymentPaths paths) : IAsyncDisposable
{
    private readonly Dictionary<(string, string), LocalDeploymentHost> _hosts = [];
    private readonly Dictionary<(string, string), DockerDeploymentHost> _containers = [];
    private readonly Dictionary<string, EndpointRouter> _routers = new(StringComparer.Ordinal);
    private DockerEngineClient? _engine;
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(2) });

    /// <summary>Endpoint → router address as of the last pass (safe to read from other threads).</summary>
    public IReadOnlyDictionary<string, string> RouterAddresses { get; private set; } = new Dictionary<string, string>();

    /// <summary>Kills instance processes left behind by a daemon that died without cleaning up.</summary>
    public void KillLeftovers()
    {
        InstancePidFile.KillAll(paths.Root);
        foreach (var d in store.ListDeployments().Where(d => d.Target == "local"))
            foreach (var i in d.Instances)
                if (i.ProcessId is { } pid) ProcessLiveness.KillIfMatches(pid, i.Address);
    }

    public async Task ReconcileAsync()
    {
        var endpoints = store.ListEndpoints();
        var deployments = store.ListDeployments();
        var wanted = new HashSet<(string, string)>();
        var saves = new List<Action>();
        foreach (var d in deployments.Where(d => d.Target == "local"))
        {
            var key = (d.Endpoint, d.Name);
            if (d.Status == DeploymentStatus.Deleting)
            {
                await StopHostAsync(key);
                TryStore(() => store.DeleteDeployment(d.Endpoint, d.Name));
                continue;
            }
            wanted.Add(key);
            if (!_hosts.TryGetValue(key, out var host))
            {
                var spec = LaunchSpec.Load(paths.Spec(d.Endpoint, d.Name));
                if (spec is null)
                {
                    SaveStatus(d, DeploymentStatus.Failed, $"no launch spec at '{paths.Spec(d.Endpoint, d.Name)}'; recreate the deployment", []);
                    continue;
                }
                _hosts[key] = host = new LocalDeploymentHost(d.Endpoint, d.Name, spec, paths, _http);
            }
            await host.ResizeAsync(d.InstanceCount, d.Instances);
            var (status, reason) = host.Status();
            var instances = host.Describe();
            saves.Add(() => SaveStatus(d, status, reason, instances));
        }
        foreach (var key in _hosts.Keys.Where(k => !wanted.Contains(k)).ToList()) await StopHostAsync(key);
        await SuperviseContainersAsync(deployments, saves);

        foreach (var e in endpoints) await EnsureRouterAsync(e, deployments.Where(d => d.Endpoint == e.Name && d.Status != DeploymentStatus.Deleting).ToList());
        foreach (var name in _routers.Keys.Where(n => endpoints.All(e => e.Name != n)).ToList())
        {
            await _routers[name].DisposeAsync();
            _routers.Remove(name);
        }
        RouterAddresses = _routers.ToDictionary(r => r.Key, r => r.Value.Address, StringComparer.Ordinal);
        // Statuses last: once a record reads Healthy, the router already sends to its instances.
        foreach (var save in saves) save();
    }

    private async Task EnsureRouterAsync(EndpointRecord endpoint, IReadOnlyList<DeploymentRecord> deployments)
    {
        var config = new EndpointRouteConfig
        {
            Name = endpoint.Name,
            AuthMode = endpoint.AuthMode,
            PrimaryKey = endpoint.PrimaryKey,
            SecondaryKey = endpoint.SecondaryKey,
            Traffic = endpoint.Traffic,
            Mirror = endpoint.Mirror,
            Deployments = deployments.Select(d => new DeploymentRouteConfig(d.Name, AddressesOf(d), d.RequestTimeoutMs + 1000, SecretOf(d))).ToList(),
        };
        if (_routers.TryGetValue(endpoint.Name, out var router))
        {
            router.Update(config);
            return;
        }
        var port = Uri.TryCreate(endpoint.Url, UriKind.Absolute, out var url) ? url.Port : 0;
        try { router = await EndpointRouter.StartAsync(config, port); }
        catch (IOException) when (port != 0) { router = await EndpointRouter.StartAsync(config, 0); } // the old port is taken
        _routers[endpoint.Name] = router;
        var scoreUrl = router.Address + "/score";
        if (endpoint.Url != scoreUrl) TryStore(() => store.SaveEndpoint((store.FindEndpoint(endpoint.Name) ?? endpoint) with { Url = scoreUrl }));
    }

    private async Task SuperviseContainersAsync(IReadOnlyList<DeploymentRecord> deployments, List<Action> saves)
    {
        var wanted = new HashSet<(string, string)>();
        foreach (var d in deployments.Where(Targets.DockerContainers.Supervised))
        {
            var key = (d.Endpoint, d.Name);
            wanted.Add(key);
            var containers = string.Join(",", d.Instances.Select(i => i.ContainerId).OfType<string>());
            if (_containers.TryGetValue(key, out var host) && host.Containers != containers)
            {
                await host.DisposeAsync(); // the deployment was recreated with new containers
                _containers.Remove(key);
            }
            if (!_containers.TryGetValue(key, out host))
            {
                _engine ??= new DockerEngineClient(DockerEndpoint.FromEnvironment());
                _containers[key] = host = new DockerDeploymentHost(d, _engine, _http);
            }
            if (host.Status() is { } s) saves.Add(() => SaveStatus(d, s.Status, s.Reason, host.Describe()));
        }
        foreach (var key in _containers.Keys.Where(k => !wanted.Contains(k)).ToList())
        {
            await _containers[key].DisposeAsync();
            _containers.Remove(key);
        }
    }

    private IReadOnlyList<string> AddressesOf(DeploymentRecord d) => d.Target switch
    {
        "local" => _hosts.TryGetValue((d.Endpoint, d.Name), out var h) ? h.ReadyAddresses : [],
        "docker" when _containers.TryGetValue((d.Endpoint, d.Name), out var c) => c.ReadyAddresses,
        "kubernetes" => [],
        _ => d.Instances.Select(i => i.Address).ToList(),
    };

    private string? SecretOf(DeploymentRecord d) => d.Target switch
    {
        "local" => _hosts.TryGetValue((d.Endpoint, d.Name), out var h) ? h.Secret : null,
        "kubernetes" => null,
        _ => InstanceSecrets.Load(paths.InstanceSecret(d.Endpoint, d.Name)),
    };

    private void SaveStatus(DeploymentRecord seen, DeploymentStatus status, string? reason, IReadOnlyList<DeploymentInstance> instances)
    {
        if (seen.Status == status && seen.StatusReason == reason && seen.Instances.SequenceEqual(instances)) return;
        TryStore(() =>
        {
            // Re-read so a concurrent 'Deleting' or resize written by the CLI is not overwritten with stale fields.
            var fresh = store.FindDeployment(seen.Endpoint, seen.Name);
            if (fresh is null || fresh.Status == DeploymentStatus.Deleting) return;
            store.SaveDeployment(fresh with { Status = status, StatusReason = reason, Instances = instances });
        });
    }

    private async Task StopHostAsync((string, string) key)
    {
        if (!_hosts.Remove(key, out var host)) return;
        await host.DisposeAsync();
    }

    private static void TryStore(Action action)
    {
        try { action(); }
        catch (MlpException e) when (e.Kind is ErrorKind.NotFound or ErrorKind.Conflict)
        {
            // deleted concurrently by a CLI command: the next pass sees the new state
        }
    }

    /// <summary>Stops every router and instance, marking local deployments as stopped.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var r in _routers.Values) await r.DisposeAsync();
        _routers.Clear();
        foreach (var key in _hosts.Keys.ToList())
        {
            var host = _hosts[key];
            await StopHostAsync(key);
            TryStore(() =>
            {
                var d = store.FindDeployment(host.Endpoint, host.Deployment);
                if (d is not null && d.Status != DeploymentStatus.Deleting)
                    store.SaveDeployment(d with { Status = DeploymentStatus.Unhealthy, StatusReason = "endpoints stopped; run 'mlp endpoint start'" });
            });
        }
        foreach (var host in _containers.Values) await host.DisposeAsync();
        _containers.Clear();
        _engine?.Dispose();
        _http.Dispose();
    }
}
