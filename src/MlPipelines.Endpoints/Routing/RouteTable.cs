using System.Collections.Frozen;
using System.Collections.Concurrent;

namespace MlPipelines.Endpoints.Routing;

/// <summary>
/// An immutable routing snapshot. The router swaps the whole table with one volatile write, so a traffic change is
/// atomic and immediate for new requests while in-flight requests finish on the snapshot they started with.
/// </summary>
internal sealed class RouteTable
{
    private RouteTable(string endpoint, bool requireKey, string primary, string secondary, long maxBodyBytes,
        FrozenDictionary<string, DeploymentRoute> deployments, DeploymentRoute[] slots, (DeploymentRoute Route, int Percent)[] mirrors)
    {
        Endpoint = endpoint;
        RequireKey = requireKey;
        PrimaryKey = primary;
        SecondaryKey = secondary;
        MaxBodyBytes = maxBodyBytes;
        Deployments = deployments;
        Slots = slots;
        Mirrors = mirrors;
        DeploymentNames = string.Join(", ", deployments.Keys.Order(StringComparer.Ordinal).Select(n => $"'{n}'"));
    }

    public string Endpoint { get; }
    public bool RequireKey { get; }
    public string PrimaryKey { get; }
    public string SecondaryKey { get; }
    public long MaxBodyBytes { get; }
    public FrozenDictionary<string, DeploymentRoute> Deployments { get; }
    /// <summary>100 slots, one per traffic percent (empty when all traffic is 0): picking is one random index.</summary>
    public DeploymentRoute[] Slots { get; }
    public (DeploymentRoute Route, int Percent)[] Mirrors { get; }
    public string DeploymentNames { get; }

    public static RouteTable Build(EndpointRouteConfig config,
        ConcurrentDictionary<string, InstanceState> instances, ConcurrentDictionary<string, DeploymentStats> stats)
    {
        var routes = new Dictionary<string, DeploymentRoute>(StringComparer.Ordinal);
        foreach (var d in config.Deployments)
        {
            var states = d.Instances.Select(a => instances.GetOrAdd(a.TrimEnd('/'), key => new InstanceState(key))).ToArray();
            routes[d.Name] = new DeploymentRoute(d.Name, states, stats.GetOrAdd(d.Name, _ => new DeploymentStats()), d.TimeoutMs, d.InstanceSecret);
        }
        var slots = new List<DeploymentRoute>(100);
        foreach (var (name, pct) in config.Traffic.OrderBy(t => t.Key, StringComparer.Ordinal))
            if (pct > 0 && routes.TryGetValue(name, out var r)) slots.AddRange(Enumerable.Repeat(r, pct));
        var mirrors = config.Mirror.Where(m => m.Value > 0 && routes.ContainsKey(m.Key))
            .OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => (routes[m.Key], m.Value)).ToArray();
        return new RouteTable(config.Name, !string.Equals(config.AuthMode, "none", StringComparison.OrdinalIgnoreCase),
            config.PrimaryKey, config.SecondaryKey, config.MaxRequestBodyBytes, routes.ToFrozenDictionary(StringComparer.Ordinal), slots.ToArray(), mirrors);
    }

    /// <summary>A deployment by weight, or null when no deployment has traffic.</summary>
    public DeploymentRoute? PickByWeight() =>
        Slots.Length == 0 ? null : Slots[Random.Shared.Next(Slots.Length)];
}

/// <summary>One deployment inside a routing snapshot: its instances (shared health state), stats and timeout.</summary>
internal sealed class DeploymentRoute(string name, InstanceState[] instances, DeploymentStats stats, int timeoutMs, string? instanceSecret = null)
{
    private int _next = -1;

    public string Name { get; } = name;
    public InstanceState[] Instances { get; } = instances;
    public DeploymentStats Stats { get; } = stats;
    public int TimeoutMs { get; } = timeoutMs;
    /// <summary>Sent to every instance of the deployment; instances answer 401 without it.</summary>
    public string? InstanceSecret { get; } = instanceSecret;

    /// <summary>Next healthy instance round-robin, skipping <paramref name="exclude"/>; null when none is healthy.</summary>
    public InstanceState? NextHealthy(InstanceState? exclude = null)
    {
        var n = Instances.Length;
        if (n == 0) return null;
        var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)n);
        for (var i = 0; i < n; i++)
        {
            var candidate = Instances[(start + i) % n];
            if (candidate.Healthy && !ReferenceEquals(candidate, exclude)) return candidate;
        }
        return null;
    }
}
