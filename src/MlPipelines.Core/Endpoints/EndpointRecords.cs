namespace MlPipelines.Core.Endpoints;

/// <summary>A stable address in front of deployments.</summary>
public sealed record EndpointRecord
{
    /// <summary>The name of this endpoint record.</summary>
    public required string Name { get; init; }
    /// <summary>"key" or "none".</summary>
    public required string AuthMode { get; init; }
    /// <summary>The primary key of this endpoint record.</summary>
    public required string PrimaryKey { get; init; }
    /// <summary>The secondary key of this endpoint record.</summary>
    public required string SecondaryKey { get; init; }
    /// <summary>Scoring URL once the router listens, e.g. http://127.0.0.1:5123/score.</summary>
    public string? Url { get; init; }
    /// <summary>Deployment → percent; sums to 100 or all 0.</summary>
    public IReadOnlyDictionary<string, int> Traffic { get; init; } = new Dictionary<string, int>();
    /// <summary>Deployment → percent of requests copied; total ≤ 50.</summary>
    public IReadOnlyDictionary<string, int> Mirror { get; init; } = new Dictionary<string, int>();
    /// <summary>The created at of this endpoint record.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Status of a deployment.</summary>
public enum DeploymentStatus
{
    /// <summary>Being created; not yet healthy.</summary>
    Creating,
    /// <summary>All instances pass health checks.</summary>
    Healthy,
    /// <summary>Some instance fails health checks.</summary>
    Unhealthy,
    /// <summary>Could not be created.</summary>
    Failed,
    /// <summary>Being deleted.</summary>
    Deleting,
}

/// <summary>One model/image running on a target behind an endpoint.</summary>
public sealed record DeploymentRecord
{
    /// <summary>The endpoint of this deployment record.</summary>
    public required string Endpoint { get; init; }
    /// <summary>The name of this deployment record.</summary>
    public required string Name { get; init; }
    /// <summary>The model of this deployment record.</summary>
    public required string Model { get; init; }
    /// <summary>The model version of this deployment record.</summary>
    public required int ModelVersion { get; init; }
    /// <summary>The image of this deployment record.</summary>
    public string? Image { get; init; }
    /// <summary>"local", "docker" or "kubernetes".</summary>
    public required string Target { get; init; }
    /// <summary>The instance count of this deployment record.</summary>
    public required int InstanceCount { get; init; }
    /// <summary>The request timeout ms of this deployment record.</summary>
    public int RequestTimeoutMs { get; init; } = 5000;
    /// <summary>The max concurrent requests of this deployment record.</summary>
    public int MaxConcurrentRequests { get; init; } = 1;
    /// <summary>The status of this deployment record.</summary>
    public required DeploymentStatus Status { get; init; }
    /// <summary>The status reason of this deployment record.</summary>
    public string? StatusReason { get; init; }
    /// <summary>Instances: address, process id or container id, restart count.</summary>
    public IReadOnlyList<DeploymentInstance> Instances { get; init; } = [];
    /// <summary>The created at of this deployment record.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>One running instance of a deployment.</summary>
public sealed record DeploymentInstance(string Id, string Address, int? ProcessId, string? ContainerId, int Restarts, DateTimeOffset? LastRestartAt);

/// <summary>One traffic change of an endpoint, kept forever.</summary>
public sealed record TrafficChange(string Endpoint, IReadOnlyDictionary<string, int> From, IReadOnlyDictionary<string, int> To, string Who, DateTimeOffset When, string? Reason);

/// <summary>Endpoints, deployments and traffic history.</summary>
public interface IEndpointStore
{
    /// <summary>Inserts or updates an endpoint.</summary>
    void SaveEndpoint(EndpointRecord endpoint);
    /// <summary>Endpoint by name or null.</summary>
    EndpointRecord? FindEndpoint(string name);
    /// <summary>All endpoints.</summary>
    IReadOnlyList<EndpointRecord> ListEndpoints();
    /// <summary>Deletes an endpoint and its deployments' records.</summary>
    void DeleteEndpoint(string name);
    /// <summary>Atomically replaces the traffic (and mirror) map and appends to history.</summary>
    void SetTraffic(string endpoint, IReadOnlyDictionary<string, int> traffic, IReadOnlyDictionary<string, int>? mirror, string who, string? reason);
    /// <summary>Traffic history, oldest first.</summary>
    IReadOnlyList<TrafficChange> TrafficHistory(string endpoint);
    /// <summary>Inserts or updates a deployment.</summary>
    void SaveDeployment(DeploymentRecord deployment);
    /// <summary>Deployment or null.</summary>
    DeploymentRecord? FindDeployment(string endpoint, string name);
    /// <summary>Deployments of one endpoint, or of all when null.</summary>
    IReadOnlyList<DeploymentRecord> ListDeployments(string? endpoint = null);
    /// <summary>Deletes a deployment record.</summary>
    void DeleteDeployment(string endpoint, string name);
}
