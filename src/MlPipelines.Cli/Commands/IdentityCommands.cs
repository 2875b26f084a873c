using System.CommandLine;
using MlPipelines.Cli.Infrastructure;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp identity create|list</c> and <c>mlp token create|list|revoke</c> on a workspace server.</summary>
internal static class IdentityCommands
{
    public static Command BuildIdentity()
    {
        var server = ServerConnection.ServerOption();
        var name = new Argument<string>("name") { Description = "User or service principal name." };
        var sp = new Option<bool>("--service-principal") { Description = "Create a service principal (CI, step processes) instead of a user." };
        var create = new Command("create", "Create a user (or a service principal).").With(name, sp, server).HandleAsync(async ctx =>
        {
            using var c = ServerConnection.Connect(ctx, server);
            var p = await c.PostAsync("/api/v1/identities", new { name = ctx.Get(name), kind = ctx.Get(sp) ? "ServicePrincipal" : "User" }, ctx.Cancellation);
            if (ctx.Output.IsJson) ctx.PrintJson(p); else ctx.Output.Line($"Created {p.Str("kind")} '{p.Str("name")}' ({p.Str("id")}).");
            return 0;
        });
        var list = new Command("list", "List users and service principals.").With(server).HandleAsync(async ctx =>
        {
            using var c = ServerConnection.Connect(ctx, server);
            var all = await c.GetAsync("/api/v1/identities", ctx.Cancellation);
            if (ctx.Output.IsJson) { ctx.PrintJson(all); return 0; }
            ctx.Output.List(all.EnumerateArray(), ("Name", p => p.Str("name")), ("Kind", p => p.Str("kind")), ("Id", p => p.Str("id")), ("Created", p => p.Time("createdAt")));
            return 0;
        });
        return new Command("identity", "Users and service principals of a workspace server.").With(create, list);
    }

    public static Command BuildToken()
    {
        var server = ServerConnection.ServerOption();
        var user = new Option<string>("--user") { Description = "Whose token.", Required = true };
        var description = new Option<string?>("--description") { Description = "What the token is for." };
        var days = new Option<double?>("--expires-in-days") { Description = "Lifetime in days (default: no expiry)." };
        var create = new Command("create", "Issue an API token; the secret is printed once and stored only as a hash.").With(user, description, days, server).HandleAsync(async ctx =>
        {
            using var c = ServerConnection.Connect(ctx, server);
            var t = await c.PostAsync("/api/v1/tokens", new { principal = ctx.Get(user), description = ctx.Get(description), expiresInDays = ctx.Get(days) }, ctx.Cancellation);
            if (ctx.Output.IsJson) { ctx.PrintJson(t); return 0; }
            ctx.Output.Line($"Token {t.GetProperty("info").Str("id")} for '{ctx.Get(user)}' (shown once): {t.Str("secret")}");
            return 0;
        });
        var forUser = new Option<string?>("--user") { Description = "Only this identity's tokens." };
        var list = new Command("list", "List tokens (never their secrets).").With(forUser, server).HandleAsync(async ctx =>
        {
            using var c = ServerConnection.Connect(ctx, server);
            var all = await c.GetAsync("/api/v1/tokens" + (ctx.Get(forUser) is { } u ? "?principal=" + Uri.EscapeDataString(u) : ""), ctx.Cancellation);
            if (ctx.Output.IsJson) { ctx.PrintJson(all); return 0; }
            ctx.Output.List(all.EnumerateArray(), ("Id", t => t.Str("id")), ("Principal", t => t.Str("principalId")), ("Description", t => t.Str("description")),
                ("Expires", t => t.Time("expiresAt")), ("Revoked", t => t.Time("revokedAt")), ("Last used", t => t.Time("lastUsedAt")));
            return 0;
        });
        var id = new Argument<string>("id") { Description = "Token id (tok_…)." };
        var revoke = new Command("revoke", "Revoke a token; it stops working at once.").With(id, server).HandleAsync(async ctx =>
        {
            using var c = ServerConnection.Connect(ctx, server);
            await c.DeleteAsync("/api/v1/tokens/" + Uri.EscapeDataString(ctx.Get(id)), ctx.Cancellation);
            ctx.Output.Line($"Revoked {ctx.Get(id)}.");
            return 0;
        });
        return new Command("token", "API tokens of a workspace server.").With(create, list, revoke);
    }
}
