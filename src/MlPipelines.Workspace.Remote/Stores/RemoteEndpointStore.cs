using MlPipelines.Core.Endpoints;
using MlPipelines.Workspace.Remote.Http;

namespace MlPipelines.Workspace.Remote.Stores;

/// <summary>
/// Endpoint and deployment records and the traffic history over <c>/api/v1/workspaces/NAME/endpoints</c>. The server
/// records the authenticated caller as <c>who</c> of a traffic change (the argument is not sent), and answers auth keys
/// only to callers allowed to list them (others see empty keys; saving a record with empty keys keeps the stored ones).
/// </summary>
internal sealed class RemoteEndpointStore(RemoteConnection http, WorkspacePaths paths) : IEndpointStore
{
    public void SaveEndpoint(EndpointRecord endpoint) => http.Write(HttpMethod.Put, paths.Segments("endpoints", endpoint.Name), endpoint);

    public EndpointRecord? FindEndpoint(string name) => http.GetOrNull<EndpointRecord>(paths.Segments("endpoints", name));

    public IReadOnlyList<EndpointRecord> ListEndpoints() => http.Get<List<EndpointRecord>>(paths.Of("endpoints"));

    public void DeleteEndpoint(string name) => http.Write(HttpMethod.Delete, paths.Segments("endpoints", name), null);

    /// <summary>Replaces the traffic; <paramref name="who"/> is ignored — the server records the authenticated caller.</summary>
    public void SetTraffic(string endpoint, IReadOnlyDictionary<string, int> traffic, IReadOnlyDictionary<string, int>? mirror, string who, string? reason) =>
        http.Write(HttpMethod.Put, paths.Segments("endpoints", endpoint, "traffic"), new TrafficRequest(traffic, mirror, reason));

    public IReadOnlyList<TrafficChange> TrafficHistory(string endpoint) =>
        http.Get<List<TrafficChange>>(paths.Segments("endpoints", endpoint, "traffic", "history"));

    public void SaveDeployment(DeploymentRecord deployment) =>
        http.Write(HttpMethod.Put, paths.Segments("endpoints", deployment.Endpoint, "deployments", deployment.Name), deployment);

    public DeploymentRecord? FindDeployment(string endpoint, string name) =>
        http.GetOrNull<DeploymentRecord>(paths.Segments("endpoints", endpoint, "deployments", name));

    public IReadOnlyList<DeploymentRecord> ListDeployments(string? endpoint = null) => endpoint is null
        ? http.Get<List<DeploymentRecord>>(paths.Of("deployments"))
        : http.Get<List<DeploymentRecord>>(paths.Segments("endpoints", endpoint, "deployments"));

    public void DeleteDeployment(string endpoint, string name) =>
        http.Write(HttpMethod.Delete, paths.Segments("endpoints", endpoint, "deployments", name), null);
}
