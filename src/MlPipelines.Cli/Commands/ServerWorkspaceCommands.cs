using System.CommandLine;
using MlPipelines.Cli.Infrastructure;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp workspace create|list|delete --server URL</c>: workspaces hosted by a workspace server.</summary>
internal static class ServerWorkspaceCommands
{
    public static Command[] Build()
    {
        var server = ServerConnection.ServerOption();
        var name = new Argument<string>("name") { Description = "Workspace name (letters, digits, '-', '_')." };
        var create = new Command("create", "Create a workspace on a server (needs workspaces/write at the server scope).").With(name, server).HandleAsync(async ctx =>
        {
            using var c = ServerConnection.Connect(ctx, server);
            var w = await c.PostAsync("/api/v1/workspaces", new { name = ctx.Get(name) }, ctx.Cancellation);
            if (ctx.Output.IsJson) ctx.PrintJson(w); else ctx.Output.Line($"Created workspace '{w.Str("name")}'.");
            return 0;
        });
        var list = new Command("list", "List the server's workspaces you may read.").With(server).HandleAsync(async ctx =>
        {
            using var c = ServerConnection.Connect(ctx, server);
            var all = await c.GetAsync("/api/v1/workspaces", ctx.Cancellation);
            if (ctx.Output.IsJson) { ctx.PrintJson(all); return 0; }
            ctx.Output.List(all.EnumerateArray(), ("Workspace", w => w.Str("name")), ("Created", w => w.Time("createdAt")), ("By", w => w.Str("createdBy")));
            return 0;
        });
        var delete = new Command("delete", "Delete a workspace on a server (its folder is moved to .deleted/ on the server).").With(name, server).HandleAsync(async ctx =>
        {
            using var c = ServerConnection.Connect(ctx, server);
            await c.DeleteAsync("/api/v1/workspaces/" + Uri.EscapeDataString(ctx.Get(name)), ctx.Cancellation);
            ctx.Output.Line($"Deleted workspace '{ctx.Get(name)}'.");
            return 0;
        });
        return [create, list, delete];
    }
}
