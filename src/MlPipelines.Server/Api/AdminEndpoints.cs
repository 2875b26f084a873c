using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlPipelines.Core.Errors;
using MlPipelines.Server.Authorization;
using MlPipelines.Server.Identity;
using MlPipelines.Server.Store;
using A = MlPipelines.Server.Authorization.ActionCatalog;

namespace MlPipelines.Server.Api;

/// <summary>Workspaces, identities and tokens.</summary>
internal static class AdminEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/me", (HttpContext ctx, ServerStore store) =>
        {
            var caller = ctx.Caller();
            return new WhoAmI(caller.Principal, caller.TokenId, AccessEndpoints.Views(store, store.Access.ListAssignments(caller.Principal.Id)));
        }).WithMetadata(new AuthenticatedOnly("signIn")).WithSummary("Who the token belongs to (used by mlp login; audited as a sign-in)");

        api.MapGet("/workspaces", (HttpContext ctx, ServerStore store) => store.Workspaces.List()
                .Where(w => store.Access.Check(ctx.Caller().Principal.Id, Scopes.Workspace(w.Name), A.WorkspaceRead).Allowed)
                .Select(w => new WorkspaceView(w.Name, w.CreatedAt, w.CreatedBy)))
            .Requires(A.WorkspaceRead, ScopeSource.PerItem).WithSummary("Workspaces the caller may read");
        api.MapPost("/workspaces", (CreateWorkspaceRequest body, HttpContext ctx, HostedWorkspaces hosted) =>
            {
                var w = hosted.Create(body.Name, ctx.Caller().Principal.Name);
                return Results.Created($"/api/v1/workspaces/{w.Name}", new WorkspaceView(w.Name, w.CreatedAt, w.CreatedBy));
            })
            .Requires(A.WorkspaceWrite, ScopeSource.Server).WithSummary("Create a workspace");
        api.MapGet("/workspaces/{workspace}", (string workspace, ServerStore store, HostedWorkspaces hosted) =>
            {
                var w = store.Workspaces.Get(workspace);
                var info = hosted.Open(w.Name).Info;
                return new WorkspaceView(w.Name, w.CreatedAt, w.CreatedBy) { Kind = info.Kind, SchemaVersion = info.SchemaVersion };
            })
            .Requires(A.WorkspaceRead, ScopeSource.Workspace).WithSummary("Show a workspace");
        api.MapDelete("/workspaces/{workspace}", (string workspace, HostedWorkspaces hosted) =>
            {
                hosted.Delete(workspace);
                return Results.NoContent();
            })
            .Requires(A.WorkspaceDelete, ScopeSource.Workspace).WithSummary("Delete a workspace (its folder is moved to .deleted/)");

        api.MapGet("/identities", (ServerStore store) => store.Identities.List())
            .Requires(A.IdentitiesRead, ScopeSource.Server).WithSummary("List users and service principals");
        api.MapPost("/identities", (CreateIdentityRequest body, ServerStore store) =>
                Results.Created($"/api/v1/identities/{body.Name}", store.Identities.Create(body.Name, body.Kind)))
            .Requires(A.IdentitiesWrite, ScopeSource.Server).WithSummary("Create a user or service principal");

        api.MapGet("/tokens", (string? principal, ServerStore store) =>
                store.Identities.ListTokens(principal is null ? null : store.Identities.Get(principal).Id))
            .Requires(A.TokensRead, ScopeSource.Server).WithSummary("List tokens (never their secrets)");
        api.MapPost("/tokens", (CreateTokenRequest body, ServerStore store) =>
            {
                var p = store.Identities.Get(body.Principal);
                if (body.ExpiresInDays is <= 0 or > 3650) throw MlpException.Invalid($"'expiresInDays' must be between 0 and 3650; got {body.ExpiresInDays}.");
                var issued = store.Identities.IssueToken(p.Id, body.Description ?? "", body.ExpiresInDays is { } d ? TimeSpan.FromDays(d) : null);
                return Results.Created($"/api/v1/tokens/{issued.Info.Id}", issued);
            })
            .Requires(A.TokensWrite, ScopeSource.Server).WithSummary("Issue a token; the secret is in this answer only");
        api.MapDelete("/tokens/{tokenId}", (string tokenId, ServerStore store) => store.Identities.RevokeToken(tokenId))
            .Requires(A.TokensDelete, ScopeSource.Server).WithSummary("Revoke a token");
    }
}
