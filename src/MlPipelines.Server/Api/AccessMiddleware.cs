using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using MlPipelines.Server.Authorization;
using MlPipelines.Server.Store;

namespace MlPipelines.Server.Api;

/// <summary>
/// Runs after routing: authenticates the bearer token, checks the endpoint's declared action at its scope, and writes
/// the audit record of every write, denial, failed sign-in and sign-in. An endpoint without declared access is refused
/// (fail closed), so forgetting a declaration cannot open an operation.
/// </summary>
internal sealed class AccessMiddleware(RequestDelegate next, ServerStore store, long maxBody)
{
    public async Task InvokeAsync(HttpContext context)
    {
        context.Response.Headers["X-Correlation-Id"] = context.TraceIdentifier;
        var endpoint = context.GetEndpoint();
        if (endpoint is null || endpoint.Metadata.GetMetadata<PublicEndpoint>() is not null) { await Guarded(context); return; }
        var required = endpoint.Metadata.GetMetadata<RequiresAction>();
        var authOnly = endpoint.Metadata.GetMetadata<AuthenticatedOnly>();
        var target = context.Request.Path.Value ?? "/";
        if (required is null && authOnly is null)
        {
            await ErrorResponses.Write(context, 500, $"Endpoint '{endpoint.DisplayName}' declares no action; refusing it.");
            return;
        }

        var auth = Authenticate(context.Request.Headers.Authorization);
        if (auth is null)
        {
            store.Audit.Record("anonymous", required?.Action ?? authOnly!.AuditAs, target, AuditOutcome.Unauthenticated,
                context.Request.Headers.Authorization.Count == 0 ? "no bearer token" : "unknown, expired or revoked token", context.TraceIdentifier);
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ErrorResponses.Write(context, 401, "Authentication required: send 'Authorization: Bearer <token>' with a valid, unexpired token (mlp login).");
            return;
        }
        context.Items[typeof(Caller)] = new Caller(auth.Value.Principal, auth.Value.Token.Id);
        var who = auth.Value.Principal.Name;

        var action = required?.Action ?? authOnly!.AuditAs;
        if (required is not null && required.Scope != ScopeSource.PerItem)
        {
            var scope = RequiresActionExtensions.ScopeOf(context, required.Scope);
            var decision = store.Access.Check(auth.Value.Principal.Id, scope, required.Action);
            if (!decision.Allowed)
            {
                store.Audit.Record(who, required.Action, target, AuditOutcome.Denied, decision.Message, context.TraceIdentifier);
                await ErrorResponses.Write(context, 403, $"'{who}' {decision.Message}");
                return;
            }
        }

        await Guarded(context);
        if (authOnly is not null || !action.EndsWith("/read", StringComparison.Ordinal))
        {
            var ok = context.Response.StatusCode < 400;
            store.Audit.Record(who, action, target, ok ? AuditOutcome.Succeeded : AuditOutcome.Failed,
                ok ? null : $"HTTP {context.Response.StatusCode}: {context.Items[typeof(ErrorBody)] as string}", context.TraceIdentifier);
        }
    }

    private (Identity.Principal Principal, Identity.ApiTokenInfo Token)? Authenticate(StringValues header)
    {
        if (header.Count != 1) return null;
        var value = header[0]!;
        const string bearer = "Bearer ";
        return value.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) ? store.Identities.Authenticate(value[bearer.Length..].Trim()) : null;
    }

    private async Task Guarded(HttpContext context)
    {
        try { await next(context); }
        catch (Exception e) when (!context.Response.HasStarted && ErrorResponses.Explain(e, maxBody) is { } x)
        {
            await ErrorResponses.Write(context, x.Status, x.Message, x.Details);
        }
    }
}
