using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using MlPipelines.Core.Endpoints;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Endpoints.Local;
using MlPipelines.Endpoints.Routing;

namespace MlPipelines.Endpoints.Services;

/// <summary>The answer of one scoring call through an endpoint.</summary>
/// <param name="Status">HTTP status.</param>
/// <param name="Deployment">Deployment that answered (header <c>azureml-model-deployment</c>).</param>
/// <param name="Body">Response body.</param>
public sealed record InvokeResult(int Status, string? Deployment, string Body);

/// <summary>Creates endpoints, changes traffic and keys, invokes and reads router stats.</summary>
public sealed class EndpointService(EndpointsContext context)
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(100) };

    /// <summary>An endpoint, or NotFound listing the existing ones.</summary>
    public EndpointRecord Get(string name) =>
        context.Store.FindEndpoint(name) ?? throw MlpException.NotFound("endpoint", name, context.Store.ListEndpoints().Select(e => e.Name));

    /// <summary>Creates an endpoint with fresh keys, starts the daemon and returns the record with its URL.</summary>
    public async Task<EndpointRecord> CreateAsync(string name, string authMode = "key", CancellationToken ct = default)
    {
        Names.Validate("endpoint", name);
        if (authMode is not ("key" or "none")) throw MlpException.Invalid($"Unknown auth mode '{authMode}'; expected 'key' or 'none'.");
        if (context.Store.FindEndpoint(name) is not null) throw MlpException.Conflict($"Endpoint '{name}' already exists.");
        context.Store.SaveEndpoint(new EndpointRecord
        {
            Name = name, AuthMode = authMode, PrimaryKey = NewKey(), SecondaryKey = NewKey(), CreatedAt = DateTimeOffset.UtcNow,
        });
        await context.DaemonClient.EnsureRunningAsync(context.Daemon, ct);
        await context.DaemonClient.ReconcileAsync(ct);
        return Get(name);
    }

    /// <summary>Deletes an endpoint: every deployment (and its processes or containers), then the endpoint and its router.</summary>
    public async Task DeleteAsync(string name, CancellationToken ct = default)
    {
        var endpoint = Get(name);
        context.Store.SetTraffic(name, endpoint.Traffic.ToDictionary(t => t.Key, _ => 0), new Dictionary<string, int>(), context.Who, "endpoint deleted");
        var deployments = new DeploymentService(context);
        foreach (var d in context.Store.ListDeployments(name)) await deployments.DeleteAsync(name, d.Name, force: true, ct);
        context.Store.DeleteEndpoint(name);
        await context.DaemonClient.ReconcileAsync(ct);
        var dir = context.Paths.Endpoint(name);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    /// <summary>Validates and applies a new traffic (and optionally mirror) map, appending it to the history.</summary>
    public async Task<EndpointRecord> SetTrafficAsync(string name, IReadOnlyDictionary<string, int> traffic, IReadOnlyDictionary<string, int>? mirror,
        string? reason = null, CancellationToken ct = default)
    {
        var endpoint = Get(name);
        var deployments = context.Store.ListDeployments(name).Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var full = deployments.ToDictionary(d => d, d => traffic.GetValueOrDefault(d), StringComparer.Ordinal);
        foreach (var (k, v) in traffic) full[k] = v; // unknown names stay so validation can name them
        var newMirror = mirror ?? endpoint.Mirror.Where(m => full.GetValueOrDefault(m.Key) == 0).ToDictionary();
        TrafficRules.Validate(name, full, newMirror, deployments);
        context.Store.SetTraffic(name, full, newMirror, context.Who, reason);
        Targets.KubernetesTarget.RenderIfUsed(context, name);
        await context.DaemonClient.ReconcileAsync(ct);
        return Get(name);
    }

    /// <summary>Replaces the primary or secondary key.</summary>
    public async Task<EndpointRecord> RegenerateKeyAsync(string name, string which, CancellationToken ct = default)
    {
        var endpoint = Get(name);
        endpoint = which switch
        {
            "primary" => endpoint with { PrimaryKey = NewKey() },
            "secondary" => endpoint with { SecondaryKey = NewKey() },
            _ => throw MlpException.Invalid($"Unknown key '{which}'; expected 'primary' or 'secondary'."),
        };
        context.Store.SaveEndpoint(endpoint);
        Targets.KubernetesTarget.RenderIfUsed(context, name); // the pods read the keys from the rendered Secret
        await context.DaemonClient.ReconcileAsync(ct);
        return endpoint;
    }

    /// <summary>Sends a scoring request through the endpoint's router (with its primary key), optionally pinned to a deployment.</summary>
    public async Task<InvokeResult> InvokeAsync(string name, string body, string? deployment = null, CancellationToken ct = default)
    {
        var endpoint = Get(name);
        var url = await RouterUrlAsync(endpoint, ct);
        using var request = new HttpRequestMessage(HttpMethod.Post, url + "/score") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (endpoint.AuthMode == "key") request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.PrimaryKey);
        if (deployment is not null) request.Headers.Add("azureml-model-deployment", deployment);
        using var response = await Http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        var answered = response.Headers.TryGetValues("azureml-model-deployment", out var v) ? v.FirstOrDefault() : null;
        return new InvokeResult((int)response.StatusCode, answered, text);
    }

    /// <summary>The router's cumulative per-deployment stats.</summary>
    public async Task<RouterStats> StatsAsync(string name, CancellationToken ct = default)
    {
        var endpoint = Get(name);
        var url = await RouterUrlAsync(endpoint, ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, url + EndpointRouter.StatsPath);
        if (endpoint.AuthMode == "key") request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.PrimaryKey);
        using var response = await Http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<RouterStats>(RouterResponses.Json, ct)
            ?? throw MlpException.Failed($"The router of endpoint '{name}' returned no stats.");
    }

    /// <summary>Starts the daemon (all routers and local instances of the workspace) and waits until local deployments are healthy.</summary>
    public async Task StartAllAsync(CancellationToken ct = default)
    {
        await context.DaemonClient.EnsureRunningAsync(context.Daemon, ct);
        await context.DaemonClient.ReconcileAsync(ct);
        var deployments = new DeploymentService(context);
        foreach (var d in context.Store.ListDeployments().Where(d => d.Target is "local" or "docker" && d.Status != DeploymentStatus.Failed))
        {
            try { await deployments.WaitHealthyAsync(d, ct); }
            catch (MlpException e) when (e.Kind == ErrorKind.Failed) { /* reported by 'mlp endpoint show'; other endpoints still start */ }
        }
    }

    /// <summary>
    /// Stops the daemon with all routers and local instances, then — whether or not the daemon was alive — every local
    /// instance recorded in the workspace (pid and start time must match) and every docker container of its deployments.
    /// False when nothing was running.
    /// </summary>
    public async Task<bool> StopAllAsync(CancellationToken ct = default)
    {
        var any = await context.DaemonClient.StopAsync(ct);
        any |= InstancePidFile.KillAll(context.Paths.Root) > 0;
        any |= await Targets.DockerContainers.StopAllAsync(context, ct) > 0;
        foreach (var d in context.Store.ListDeployments().Where(d => d.Target is "local" or "docker" && d.Status is DeploymentStatus.Healthy or DeploymentStatus.Unhealthy))
        {
            try { context.Store.SaveDeployment(d with { Status = DeploymentStatus.Unhealthy, StatusReason = "endpoints stopped; run 'mlp endpoint start'" }); }
            catch (MlpException e) when (e.Kind is ErrorKind.NotFound or ErrorKind.Conflict) { /* deleted meanwhile */ }
        }
        return any;
    }

    private async Task<string> RouterUrlAsync(EndpointRecord endpoint, CancellationToken ct)
    {
        if (await context.DaemonClient.RunningAsync(ct) is null)
            throw MlpException.Unavailable($"Endpoints are stopped, so endpoint '{endpoint.Name}' does not answer; run 'mlp endpoint start'.");
        if (endpoint.Url is null) throw MlpException.Unavailable($"Endpoint '{endpoint.Name}' has no router address yet; run 'mlp endpoint start'.");
        var url = endpoint.Url;
        return url.EndsWith("/score", StringComparison.Ordinal) ? url[..^"/score".Length] : url;
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', 'A').Replace('/', 'B');
}
