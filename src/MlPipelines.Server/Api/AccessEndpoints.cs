using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlPipelines.Server.Authorization;
using MlPipelines.Server.Store;
using A = MlPipelines.Server.Authorization.ActionCatalog;

namespace MlPipelines.Server.Api;

/// <summary>Role definitions, role assignments (server and workspace scope) and the audit log.</summary>
internal static class AccessEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/roleDefinitions", (ServerStore store) => store.Access.ListRoles())
            .Requires(A.RoleDefinitionsRead, ScopeSource.Server).WithSummary("Built-in and custom roles");
        api.MapGet("/roleDefinitions/{name}", (string name, ServerStore store) => store.Access.GetRole(name))
            .Requires(A.RoleDefinitionsRead, ScopeSource.Server).WithSummary("One role definition");
        api.MapPost("/roleDefinitions", async (HttpRequest request, ServerStore store) =>
            {
                using var reader = new StreamReader(request.Body);
                var role = store.Access.CreateRole(await reader.ReadToEndAsync(request.HttpContext.RequestAborted));
                return Results.Created($"/api/v1/roleDefinitions/{Uri.EscapeDataString(role.Name)}", role);
            })
            .Accepts<RoleDefinition>("application/json")
            .Requires(A.RoleDefinitionsWrite, ScopeSource.Server).WithSummary("Create a custom role (Azure role-definition JSON)");
        api.MapDelete("/roleDefinitions/{name}", (string name, ServerStore store) =>
            {
                store.Access.DeleteRole(name);
                return Results.NoContent();
            })
            .Requires(A.RoleDefinitionsDelete, ScopeSource.Server).WithSummary("Delete a custom role that is not assigned");

        MapAssignments(api, "/roleAssignments", ScopeSource.Server);
        MapAssignments(api, "/workspaces/{workspace}/roleAssignments", ScopeSource.Workspace);

        api.MapGet("/audit", (DateTimeOffset? since, int? max, ServerStore store) => store.Audit.List(since, max ?? 1000))
            .Requires(A.AuditRead, ScopeSource.Server).WithSummary("Audit entries since a time, oldest first");
    }

    private static void MapAssignments(IEndpointRouteBuilder api, string route, ScopeSource source)
    {
        api.MapGet(route, (HttpContext ctx, ServerStore store) =>
                Views(store, store.Access.ListAssignments(scope: ScopeOf(ctx, store, source))))
            .Requires(A.RoleAssignmentsRead, source).WithSummary("Role assignments that apply at or below this scope");
        api.MapPost(route, (AssignRoleRequest body, HttpContext ctx, ServerStore store) =>
                Views(store, [store.Access.Assign(store.Identities.Get(body.Principal), body.Role, ScopeOf(ctx, store, source))])[0])
            .Requires(A.RoleAssignmentsWrite, source).WithSummary("Assign a role at this scope");
        api.MapDelete(route, (string principal, string role, HttpContext ctx, ServerStore store) =>
            {
                store.Access.Unassign(store.Identities.Get(principal), role, ScopeOf(ctx, store, source));
                return Results.NoContent();
            })
            .Requires(A.RoleAssignmentsDelete, source).WithSummary("Remove a role assignment at this scope");
    }

    private static string ScopeOf(HttpContext ctx, ServerStore store, ScopeSource source)
    {
        if (source == ScopeSource.Workspace) store.Workspaces.Get((string)ctx.Request.RouteValues["workspace"]!);
        return RequiresActionExtensions.ScopeOf(ctx, source);
    }

    internal static List<AssignmentView> Views(ServerStore store, IEnumerable<RoleAssignment> assignments)
    {
        var names = store.Identities.List().ToDictionary(p => p.Id, p => p.Name);
        return assignments.Select(a => new AssignmentView(a.Id, names.GetValueOrDefault(a.PrincipalId, a.PrincipalId), a.PrincipalId, a.Role, a.Scope, a.CreatedAt)).ToList();
    }
}
