using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Core.Registry;
using MlPipelines.Workspace.Remote.Http;
using A = MlPipelines.Server.Authorization.ActionCatalog;

namespace MlPipelines.Server.Api;

/// <summary>
/// The model registry. Files come from a run's outputs (resolved here) or from blobs the client uploaded; a path on the
/// server is never read. The creator of a version and the <c>who</c> of every alias move are the authenticated caller's
/// name, never a value from the request body, so the alias history cannot be forged.
/// </summary>
internal static class ModelEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var ws = api.MapGroup("/workspaces/{workspace}");
        ws.MapGet("/models", (string workspace, HostedWorkspaces hosted) => hosted.Open(workspace).Models.List())
            .Requires(A.ModelsRead, ScopeSource.Workspace).WithSummary("Latest version of every model");
        ws.MapGet("/models/{name}", (string workspace, string name, HostedWorkspaces hosted) =>
                hosted.Open(workspace).Models.Get(new ModelRef(name, null, null)))
            .Requires(A.ModelsRead, ScopeSource.Workspace).WithSummary("Latest version of a model");
        ws.MapGet("/models/{name}/versions", (string workspace, string name, HostedWorkspaces hosted) => hosted.Open(workspace).Models.Versions(name))
            .Requires(A.ModelsRead, ScopeSource.Workspace).WithSummary("All versions of a model");
        ws.MapGet("/models/{name}/versions/{version}", (string workspace, string name, int version, HostedWorkspaces hosted) =>
                hosted.Open(workspace).Models.Get(new ModelRef(name, version, null)))
            .Requires(A.ModelsRead, ScopeSource.Workspace).WithSummary("One version of a model");
        ws.MapGet("/models/{name}/aliases/{alias}", (string workspace, string name, string alias, HostedWorkspaces hosted) =>
                hosted.Open(workspace).Models.Get(new ModelRef(name, null, alias)))
            .Requires(A.ModelsRead, ScopeSource.Workspace).WithSummary("The version an alias points at");
        ws.MapGet("/models/{name}/history", (string workspace, string name, HostedWorkspaces hosted) => hosted.Open(workspace).Models.History(name))
            .Requires(A.ModelsRead, ScopeSource.Workspace).WithSummary("Every alias move of a model, oldest first");

        ws.MapPost("/models/{name}/versions", (string workspace, string name, RegisterModelRequest body, HttpContext ctx, HostedWorkspaces hosted) =>
            {
                var models = hosted.Open(workspace).Models;
                Names.Validate("model", name);
                if (body.Files is null && body.RunOutputPath is null)
                    throw MlpException.Invalid($"Registering model '{name}' needs 'files' (uploaded blobs) or 'runId' with 'runOutputPath'.");
                var version = models.Register(new NewModelVersion
                {
                    Name = name, RunId = body.RunId, RunOutputPath = body.RunOutputPath, Files = body.Files, Flavor = body.Flavor,
                    SignatureJson = body.SignatureJson, Description = body.Description, Tags = body.Tags ?? new Dictionary<string, string>(),
                    Environment = body.Environment, CreatedBy = ctx.Caller().Principal.Name,
                });
                return Results.Created($"/api/v1/workspaces/{workspace}/models/{Uri.EscapeDataString(name)}/versions/{version.Version}", version);
            })
            .Requires(A.ModelsWrite, ScopeSource.Workspace).WithSummary("Register a version from a run output or uploaded blobs (creator = caller)");
        ws.MapDelete("/models/{name}/versions/{version}", (string workspace, string name, int version, HostedWorkspaces hosted) =>
            {
                hosted.Open(workspace).Models.Delete(name, version);
                return Results.NoContent();
            })
            .Requires(A.ModelsDelete, ScopeSource.Workspace).WithSummary("Delete a version (409 while an alias or deployment uses it)");
        ws.MapPut("/models/{name}/aliases/{alias}", (string workspace, string name, string alias, SetAliasRequest body, HttpContext ctx, HostedWorkspaces hosted) =>
            {
                var models = hosted.Open(workspace).Models;
                if (body.Version < 1) throw MlpException.Invalid($"'version' must be a positive integer; got {body.Version}.");
                return models.SetAlias(name, alias, body.Version, ctx.Caller().Principal.Name, body.Reason);
            })
            .Requires(A.ModelsWrite, ScopeSource.Workspace).WithSummary("Move (or create) an alias; the history records the caller");
        ws.MapDelete("/models/{name}/aliases/{alias}", (string workspace, string name, string alias, string? reason, HttpContext ctx, HostedWorkspaces hosted) =>
                hosted.Open(workspace).Models.DeleteAlias(name, alias, ctx.Caller().Principal.Name, reason))
            .Requires(A.ModelsWrite, ScopeSource.Workspace).WithSummary("Delete an alias; the history records the caller");
    }
}
