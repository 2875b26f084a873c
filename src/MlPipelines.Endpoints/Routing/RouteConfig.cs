namespace MlPipelines.Endpoints.Routing;

/// <summary>What an endpoint router needs to know: keys, traffic, mirror and the instances of each deployment.</summary>
public sealed record EndpointRouteConfig
{
    /// <summary>Endpoint name.</summary>
    public required string Name { get; init; }
    /// <summary>"key" (a bearer key is required) or "none".</summary>
    public string AuthMode { get; init; } = "key";
    /// <summary>Primary key.</summary>
    public string PrimaryKey { get; init; } = "";
    /// <summary>Secondary key.</summary>
    public string SecondaryKey { get; init; } = "";
    /// <summary>Deployment → percent (sums to 100, or all 0).</summary>
    public IReadOnlyDictionary<string, int> Traffic { get; init; } = new Dictionary<string, int>();
    /// <summary>Deployment → percent of requests copied to it (responses discarded).</summary>
    public IReadOnlyDictionary<string, int> Mirror { get; init; } = new Dictionary<string, int>();
    /// <summary>Largest accepted request body; a larger one gets 413 from the router itself.</summary>
    public long MaxRequestBodyBytes { get; init; } = 100L * 1024 * 1024;
    /// <summary>The deployments behind the endpoint.</summary>
    public IReadOnlyList<DeploymentRouteConfig> Deployments { get; init; } = [];
}

/// <summary>One deployment as the router sees it: its name and the base addresses of its instances.</summary>
/// <param name="Name">Deployment name.</param>
/// <param name="Instances">Base addresses such as <c>http://127.0.0.1:5001</c>.</param>
/// <param name="TimeoutMs">Request timeout; the router answers 504 after it.</param>
/// <param name="InstanceSecret">The deployment's internal secret, sent to its instances in
/// <see cref="Scoring.Hosting.ScoringHostCommandLine.InstanceSecretHeader"/>; null sends none.</param>
public sealed record DeploymentRouteConfig(string Name, IReadOnlyList<string> Instances, int TimeoutMs = 30_000, string? InstanceSecret = null)
{
    /// <inheritdoc />
    public override string ToString() => $"DeploymentRouteConfig {{ Name = {Name}, Instances = [{string.Join(", ", Instances)}], TimeoutMs = {TimeoutMs} }}"; // never the secret
}
