using System.CommandLine;
using MlPipelines.Cli.Infrastructure;
using MlPipelines.Core.Errors;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp role list|show|create|delete|assign|unassign|assignments</c> against a workspace server.</summary>
internal static class RoleCommands
{
    public static Command Build()
    {
        var server = ServerConnection.ServerOption();
        var list = new Command("list", "List built-in and custom roles.").With(server).HandleAsync(async ctx =>
        {
            using var c = ServerConnection.Connect(ctx, server);
            var roles = await c.GetAsync("/api/v1/roleDefinitions", ctx.Cancellation);
            if (ctx.Output.IsJson) { ctx.PrintJson(roles); return 0; }
            ctx.Output.List(roles.EnumerateArray(), ("Role", r => r.Str("name")), ("Custom", r => r.Str("isCustom")),
                ("Actions", r => r.Str("actions")), ("NotActions", r => r.Str("notActions")));
            return 0;
        });

        var name = new Argument<string>("name") { Description = "Role name, e.g. 'AzureML Data Scientist'." };
        var show = new Command("show", "Print one role definition as Azure role-definition JSON.").With(name, server).HandleAsync(async ctx =>
        {
            using var c = ServerConnection.Connect(ctx, server);
            ctx.PrintJson(await c.GetAsync("/api/v1/roleDefinitions/" + Uri.EscapeDataString(ctx.Get(name)), ctx.Cancellation));
            return 0;
        });

        var file = new Argument<string>("file") { Description = "JSON file with Name, Description, Actions, NotActions, AssignableScopes." };
        var create = new Command("create", "Create a custom role from an Azure-style role-definition JSON file.").With(file, server).HandleAsync(async ctx =>
        {
            var path = ctx.Get(file);
            if (!File.Exists(path)) throw MlpException.Invalid($"Role definition file '{path}' does not exist.");
            using var c = ServerConnection.Connect(ctx, server);
            var role = await c.PostAsync("/api/v1/roleDefinitions", await File.ReadAllTextAsync(path, ctx.Cancellation), ctx.Cancellation);
            if (ctx.Output.IsJson) ctx.PrintJson(role); else ctx.Output.Line($"Created role '{role.Str("name")}'.");
            return 0;
        });

        var delete = new Command("delete", "Delete a custom role that is no longer assigned.").With(name, server).HandleAsync(async ctx =>
        {
            using var c = ServerConnection.Connect(ctx, server);
            await c.DeleteAsync("/api/v1/roleDefinitions/" + Uri.EscapeDataString(ctx.Get(name)), ctx.Cancellation);
            ctx.Output.Line($"Deleted role '{ctx.Get(name)}'.");
            return 0;
        });

        var user = new Option<string>("--user") { Description = "User or service principal name.", Required = true };
        var role = new Option<string>("--role") { Description = "Role name.", Required = true };
        var assign = new Command("assign", "Assign a role to a user at the server scope, or at one workspace with --workspace NAME|URL.").With(user, role, server).HandleAsync(async ctx =>
        {
            using var c = ServerConnection.Connect(ctx, server);
            var a = await c.PostAsync(AssignmentsPath(ctx), new { principal = ctx.Get(user), role = ctx.Get(role) }, ctx.Cancellation);
            if (ctx.Output.IsJson) ctx.PrintJson(a); else ctx.Output.Line($"Assigned '{a.Str("role")}' to '{a.Str("principal")}' at '{a.Str("scope")}'.");
            return 0;
        });
        var unassign = new Command("unassign", "Remove a role assignment (same scope rules as assign).").With(user, role, server).HandleAsync(async ctx =>
        {
            using var c = ServerConnection.Connect(ctx, server);
            await c.DeleteAsync($"{AssignmentsPath(ctx)}?principal={Uri.EscapeDataString(ctx.Get(user))}&role={Uri.EscapeDataString(ctx.Get(role))}", ctx.Cancellation);
            ctx.Output.Line($"Removed '{ctx.Get(role)}' from '{ctx.Get(user)}'.");
            return 0;
        });
        var assignments = new Command("assignments", "List role assignments at the server, or those applying to one workspace with --workspace.").With(server).HandleAsync(async ctx =>
        {
            using var c = ServerConnection.Connect(ctx, server);
            var all = await c.GetAsync(AssignmentsPath(ctx), ctx.Cancellation);
            if (ctx.Output.IsJson) { ctx.PrintJson(all); return 0; }
            ctx.Output.List(all.EnumerateArray(), ("Principal", a => a.Str("principal")), ("Role", a => a.Str("role")),
                ("Scope", a => a.Str("scope")), ("Assigned", a => a.Time("createdAt")));
            return 0;
        });
        return new Command("role", "Roles and role assignments on a workspace server (Azure ML built-in roles plus custom roles).")
            .With(list, show, create, delete, assign, unassign, assignments);
    }

    private static string AssignmentsPath(CliContext ctx) => ServerConnection.WorkspaceName(ctx) is { } ws
        ? $"/api/v1/workspaces/{Uri.EscapeDataString(ws)}/roleAssignments" : "/api/v1/roleAssignments";
}
