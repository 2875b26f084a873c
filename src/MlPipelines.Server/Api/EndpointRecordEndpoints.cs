using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlPipelines.Core.Endpoints;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Server.Store;
using MlPipelines.Workspace.Remote.Http;
using A = MlPipelines.Server.Authorization.ActionCatalog;

namespace MlPipelines.Server.Api;

/// <summary>
/// Endpoint and deployment records and traffic history (the records the endpoint tooling keeps; nothing is started here).
/// Auth keys are answered only to callers that may also list keys (others see empty keys), and a save with empty keys
/// keeps the stored ones, so a read-modify-write by such a caller cannot wipe them. The <c>who</c> of a traffic change is
/// the authenticated caller.
/// </summary>
internal static class EndpointRecordEndpoints
{
    private const int MaxMirrorTotal = 50;

    public static void Map(IEndpointRouteBuilder api)
    {
        var ws = api.MapGroup("/workspaces/{workspace}");
        ws.MapGet("/endpoints", (string workspace, HttpContext ctx, HostedWorkspaces hosted, ServerStore store) =>
                hosted.Open(workspace).Endpoints.ListEndpoints().Select(e => Visible(e, ctx, store)).ToList())
            .Requires(A.EndpointsRead, ScopeSource.Workspace).WithSummary("All endpoints (keys only for callers that may list keys)");
        ws.MapGet("/endpoints/{name}", (string workspace, string name, HttpContext ctx, HostedWorkspaces hosted, ServerStore store) =>
                Visible(Find(hosted.Open(workspace).Endpoints, name), ctx, store))
            .Requires(A.EndpointsRead, ScopeSource.Workspace).WithSummary("One endpoint (keys only for callers that may list keys)");
        ws.MapPut("/endpoints/{name}", (string workspace, string name, EndpointRecord body, HttpContext ctx, HostedWorkspaces hosted, ServerStore store) =>
            {
                var endpoints = hosted.Open(workspace).Endpoints;
                Names.Validate("endpoint", name);
                if (body.Name != name) throw MlpException.Invalid($"'name' is '{body.Name}' but the URL names endpoint '{name}'.");
                if (body.AuthMode is not ("key" or "none")) throw MlpException.Invalid($"'authMode' '{body.AuthMode}' is not valid; expected 'key' or 'none'.");
                ValidateTraffic(name, body.Traffic, body.Mirror);
                var existing = endpoints.FindEndpoint(name);
                var record = body with
                {
                    PrimaryKey = body.PrimaryKey.Length > 0 ? body.PrimaryKey : existing?.PrimaryKey ?? "",
                    SecondaryKey = body.SecondaryKey.Length > 0 ? body.SecondaryKey : existing?.SecondaryKey ?? "",
                };
                endpoints.SaveEndpoint(record);
                return Visible(Find(endpoints, name), ctx, store);
            })
            .Requires(A.EndpointsWrite, ScopeSource.Workspace).WithSummary("Create or update an endpoint record (empty keys keep the stored ones)");
        ws.MapDelete("/endpoints/{name}", (string workspace, string name, HostedWorkspaces hosted) =>
            {
                hosted.Open(workspace).Endpoints.DeleteEndpoint(name);
                return Results.NoContent();
            })
            .Requires(A.EndpointsDelete, ScopeSource.Workspace).WithSummary("Delete an endpoint record and its deployments' records");
        ws.MapPut("/endpoints/{name}/traffic", (string workspace, string name, TrafficRequest body, HttpContext ctx, HostedWorkspaces hosted, ServerStore store) =>
            {
                var endpoints = hosted.Open(workspace).Endpoints;
                ValidateTraffic(name, body.Traffic, body.Mirror ?? new Dictionary<string, int>());
                endpoints.SetTraffic(name, body.Traffic, body.Mirror, ctx.Caller().Principal.Name, body.Reason);
                return Visible(Find(endpoints, name), ctx, store);
            })
            .Requires(A.EndpointsWrite, ScopeSource.Workspace).WithSummary("Replace the traffic (and mirror) split; the history records the caller");
        ws.MapGet("/endpoints/{name}/traffic/history", (string workspace, string name, HostedWorkspaces hosted) =>
            {
                var endpoints = hosted.Open(workspace).Endpoints;
                Find(endpoints, name);
                return endpoints.TrafficHistory(name);
            })
            .Requires(A.EndpointsRead, ScopeSource.Workspace).WithSummary("Traffic changes of an endpoint, oldest first");

        ws.MapGet("/deployments", (string workspace, HostedWorkspaces hosted) => hosted.Open(workspace).Endpoints.ListDeployments())
            .Requires(A.DeploymentsRead, ScopeSource.Workspace).WithSummary("Deployments of every endpoint");
        ws.MapGet("/endpoints/{endpoint}/deployments", (string workspace, string endpoint, HostedWorkspaces hosted) =>
                hosted.Open(workspace).Endpoints.ListDeployments(endpoint))
            .Requires(A.DeploymentsRead, ScopeSource.Workspace).WithSummary("Deployments of one endpoint");
        ws.MapGet("/endpoints/{endpoint}/deployments/{name}", (string workspace, string endpoint, string name, HostedWorkspaces hosted) =>
            {
                var endpoints = hosted.Open(workspace).Endpoints;
                return endpoints.FindDeployment(endpoint, name)
                    ?? throw MlpException.NotFound("deployment", $"{endpoint}/{name}", endpoints.ListDeployments().Select(d => $"{d.Endpoint}/{d.Name}"));
            })
            .Requires(A.DeploymentsRead, ScopeSource.Workspace).WithSummary("One deployment");
        ws.MapPut("/endpoints/{endpoint}/deployments/{name}", (string workspace, string endpoint, string name, DeploymentRecord body, HostedWorkspaces hosted) =>
            {
                var endpoints = hosted.Open(workspace).Endpoints;
                if (body.Endpoint != endpoint) throw MlpException.Invalid($"'endpoint' is '{body.Endpoint}' but the URL names endpoint '{endpoint}'.");
                if (body.Name != name) throw MlpException.Invalid($"'name' is '{body.Name}' but the URL names deployment '{name}'.");
                Names.Validate("deployment", name);
                Names.Validate("model", body.Model);
                if (body.ModelVersion < 1) throw MlpException.Invalid($"'modelVersion' must be a positive integer; got {body.ModelVersion}.");
                if (body.Target is not ("local" or "docker" or "kubernetes")) throw MlpException.Invalid($"'target' '{body.Target}' is not valid; expected 'local', 'docker' or 'kubernetes'.");
                if (body.InstanceCount < 0) throw MlpException.Invalid($"'instanceCount' must be 0 or more; got {body.InstanceCount}.");
                if (body.RequestTimeoutMs < 1) throw MlpException.Invalid($"'requestTimeoutMs' must be positive; got {body.RequestTimeoutMs}.");
                if (body.MaxConcurrentRequests < 1) throw MlpException.Invalid($"'maxConcurrentRequests' must be positive; got {body.MaxConcurrentRequests}.");
                endpoints.SaveDeployment(body);
                return endpoints.FindDeployment(endpoint, name);
            })
            .Requires(A.DeploymentsWrite, ScopeSource.Workspace).WithSummary("Create or update a deployment record");
        ws.MapDelete("/endpoints/{endpoint}/deployments/{name}", (string workspace, string endpoint, string name, HostedWorkspaces hosted) =>
            {
                hosted.Open(workspace).Endpoints.DeleteDeployment(endpoint, name);
                return Results.NoContent();
            })
            .Requires(A.DeploymentsDelete, ScopeSource.Workspace).WithSummary("Delete a deployment record");
    }

    private static EndpointRecord Find(IEndpointStore endpoints, string name) =>
        endpoints.FindEndpoint(name) ?? throw MlpException.NotFound("endpoint", name, endpoints.ListEndpoints().Select(e => e.Name));

    /// <summary>The record with its keys only when the caller may list keys in this workspace.</summary>
    private static EndpointRecord Visible(EndpointRecord e, HttpContext ctx, ServerStore store) =>
        store.Access.Check(ctx.Caller().Principal.Id, RequiresActionExtensions.ScopeOf(ctx, ScopeSource.Workspace), A.EndpointsListKeys).Allowed
            ? e : e with { PrimaryKey = "", SecondaryKey = "" };

    /// <summary>Shape rules of a split: known-looking names, 0–100 each, traffic 100 in total or all 0, mirror at most 50.</summary>
    private static void ValidateTraffic(string endpoint, IReadOnlyDictionary<string, int> traffic, IReadOnlyDictionary<string, int> mirror)
    {
        foreach (var (field, map) in new[] { ("traffic", traffic), ("mirror", mirror) })
            foreach (var (deployment, pct) in map)
            {
                if (!Names.IsValid(deployment)) throw MlpException.Invalid($"'{field}' names '{deployment}', which is not a valid deployment name.");
                if (pct is < 0 or > 100) throw MlpException.Invalid($"'{field}' gives '{deployment}' {pct}%; percentages are 0–100.");
            }
        var sum = traffic.Values.Sum();
        if (sum != 100 && traffic.Values.Any(v => v != 0))
            throw MlpException.Invalid($"'traffic' of endpoint '{endpoint}' sums to {sum}; it must sum to 100 (or be all 0).");
        if (mirror.Values.Sum() > MaxMirrorTotal)
            throw MlpException.Invalid($"'mirror' of endpoint '{endpoint}' sums to {mirror.Values.Sum()}%; at most {MaxMirrorTotal}% may be mirrored.");
    }
}
