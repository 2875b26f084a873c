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
                    Environment = body.Environment, CreatedBy = ctx.Caller().Principal.Name, Source = body.Source,
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
        MapVersionMetadata(ws);
        MapRegisteredModels(ws);
    }

    private static void MapVersionMetadata(RouteGroupBuilder ws)
    {
        ws.MapPatch("/models/{name}/versions/{version}", (string workspace, string name, int version, DescriptionRequest body, HostedWorkspaces hosted) =>
                hosted.Open(workspace).Models.UpdateVersion(name, version, body.Description))
            .Requires(A.ModelsWrite, ScopeSource.Workspace).WithSummary("Set (or clear) a version's description");
        ws.MapPut("/models/{name}/versions/{version}/tags/{key}", (string workspace, string name, int version, string key, TagValueRequest body, HostedWorkspaces hosted) =>
            {
                hosted.Open(workspace).Models.SetVersionTag(name, version, key, body.Value);
                return Results.NoContent();
            })
            .Requires(A.ModelsWrite, ScopeSource.Workspace).WithSummary("Set a tag of a version");
        ws.MapDelete("/models/{name}/versions/{version}/tags/{key}", (string workspace, string name, int version, string key, HostedWorkspaces hosted) =>
            {
                hosted.Open(workspace).Models.DeleteVersionTag(name, version, key);
                return Results.NoContent();
            })
            .Requires(A.ModelsWrite, ScopeSource.Workspace).WithSummary("Delete a tag of a version (404 naming its tags)");
    }

    // A model apart from its versions: it may have none yet (created by name first) or no more.
    private static void MapRegisteredModels(RouteGroupBuilder ws)
    {
        ws.MapGet("/registeredModels", (string workspace, HostedWorkspaces hosted) => hosted.Open(workspace).Models.Models())
            .Requires(A.ModelsRead, ScopeSource.Workspace).WithSummary("Every model, with or without versions");
        ws.MapGet("/registeredModels/{name}", (string workspace, string name, HostedWorkspaces hosted) => hosted.Open(workspace).Models.GetModel(name))
            .Requires(A.ModelsRead, ScopeSource.Workspace).WithSummary("A model's description, tags, latest version and aliases");
        ws.MapPost("/registeredModels", (string workspace, CreateModelRequest body, HttpContext ctx, HostedWorkspaces hosted) =>
            {
                var model = hosted.Open(workspace).Models.CreateModel(body.Name, body.Description, body.Tags ?? new Dictionary<string, string>(), ctx.Caller().Principal.Name);
                return Results.Created($"/api/v1/workspaces/{workspace}/registeredModels/{Uri.EscapeDataString(model.Name)}", model);
            })
            .Requires(A.ModelsWrite, ScopeSource.Workspace).WithSummary("Create a model with no version yet (409 when the name is taken; creator = caller)");
        ws.MapPatch("/registeredModels/{name}", (string workspace, string name, DescriptionRequest body, HostedWorkspaces hosted) =>
                hosted.Open(workspace).Models.UpdateModel(name, body.Description))
            .Requires(A.ModelsWrite, ScopeSource.Workspace).WithSummary("Set (or clear) a model's description");
        ws.MapPost("/registeredModels/{name}/rename", (string workspace, string name, RenameModelRequest body, HostedWorkspaces hosted) =>
                hosted.Open(workspace).Models.RenameModel(name, body.NewName))
            .Requires(A.ModelsWrite, ScopeSource.Workspace).WithSummary("Rename a model with its versions, aliases and alias history");
        ws.MapPut("/registeredModels/{name}/tags/{key}", (string workspace, string name, string key, TagValueRequest body, HostedWorkspaces hosted) =>
            {
                hosted.Open(workspace).Models.SetModelTag(name, key, body.Value);
                return Results.NoContent();
            })
            .Requires(A.ModelsWrite, ScopeSource.Workspace).WithSummary("Set a tag of a model");
        ws.MapDelete("/registeredModels/{name}/tags/{key}", (string workspace, string name, string key, HostedWorkspaces hosted) =>
            {
                hosted.Open(workspace).Models.DeleteModelTag(name, key);
                return Results.NoContent();
            })
            .Requires(A.ModelsWrite, ScopeSource.Workspace).WithSummary("Delete a tag of a model (404 naming its tags)");
        ws.MapDelete("/registeredModels/{name}", (string workspace, string name, HostedWorkspaces hosted) =>
            {
                hosted.Open(workspace).Models.DeleteModel(name);
                return Results.NoContent();
            })
            .Requires(A.ModelsDelete, ScopeSource.Workspace).WithSummary("Delete a model and every version (409 while an alias or deployment uses one)");
    }
}
