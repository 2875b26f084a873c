using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlPipelines.Core.Compute;
using MlPipelines.Core.Environments;
using MlPipelines.Core.Errors;
using A = MlPipelines.Server.Authorization.ActionCatalog;

namespace MlPipelines.Server.Api;

/// <summary>Registered compute targets and environment versions of a workspace.</summary>
internal static class ComputeEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var ws = api.MapGroup("/workspaces/{workspace}");
        ws.MapGet("/computes", (string workspace, HostedWorkspaces hosted) => hosted.Open(workspace).Computes.List())
            .Requires(A.ComputesRead, ScopeSource.Workspace).WithSummary("Registered compute targets by name");
        ws.MapGet("/computes/{name}", (string workspace, string name, HostedWorkspaces hosted) =>
            {
                var computes = hosted.Open(workspace).Computes;
                return computes.Find(name) ?? throw MlpException.NotFound("compute target", name, computes.List().Select(c => c.Name));
            })
            .Requires(A.ComputesRead, ScopeSource.Workspace).WithSummary("One compute target");
        ws.MapPost("/computes", (string workspace, ComputeTargetDefinition body, HttpContext ctx, HostedWorkspaces hosted) =>
                Results.Created($"computes/{body.Name}", hosted.Open(workspace).Computes.Create(body with { CreatedBy = ctx.Caller().Principal.Name, CreatedAt = DateTimeOffset.UtcNow })))
            .Requires(A.ComputesWrite, ScopeSource.Workspace).WithSummary("Register a compute target (409 when the name is taken; options checked against its kind)");
        ws.MapDelete("/computes/{name}", (string workspace, string name, HostedWorkspaces hosted) =>
                new DeletedResponse(hosted.Open(workspace).Computes.Delete(name) ? 1 : 0))
            .Requires(A.ComputesDelete, ScopeSource.Workspace).WithSummary("Remove a compute target ({\"deleted\":0} when none had that name)");

        ws.MapGet("/environments", (string workspace, HostedWorkspaces hosted) => hosted.Open(workspace).Environments.List())
            .Requires(A.EnvironmentsRead, ScopeSource.Workspace).WithSummary("Environment versions, newest first");
        ws.MapGet("/environments/{nameOrHash}", (string workspace, string nameOrHash, HostedWorkspaces hosted) =>
            {
                var environments = hosted.Open(workspace).Environments;
                return environments.Find(nameOrHash) ?? throw MlpException.NotFound("environment", nameOrHash, environments.List().Select(e => e.Name).Distinct());
            })
            .Requires(A.EnvironmentsRead, ScopeSource.Workspace).WithSummary("The newest version of a name, or the version of a hash");
        ws.MapPost("/environments", (string workspace, EnvironmentRecord body, HostedWorkspaces hosted) =>
            {
                var environments = hosted.Open(workspace).Environments;
                environments.Save(body);
                return environments.Find(body.Hash);
            })
            .Requires(A.EnvironmentsWrite, ScopeSource.Workspace).WithSummary("Record an environment version (or its build)");
        ws.MapDelete("/environments/{nameOrHash}", (string workspace, string nameOrHash, HostedWorkspaces hosted) =>
                new DeletedResponse(hosted.Open(workspace).Environments.Delete(nameOrHash)))
            .Requires(A.EnvironmentsDelete, ScopeSource.Workspace).WithSummary("Forget one version (by hash) or every version of a name");
    }
}

/// <summary>How many records a delete removed.</summary>
/// <param name="Deleted">0 when nothing matched.</param>
public sealed record DeletedResponse(int Deleted);
