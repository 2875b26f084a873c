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
internal sealed class AccessMiddleware(RequestDelegate next, ServerStore store, Identity.SignInMethods signIn, long maxBody)
{
    public async Task InvokeAsync(HttpContext context)
    {
        context.Response.Headers["X-Correlation-Id"] = context.TraceIdentifier;
        var endpoint = context.GetEndpoint();
        // Public endpoints, and MLflow's presigned part URLs (their token is checked by the handler, for that one part), need no bearer token.
        if (endpoint is null || endpoint.Metadata.GetMetadata<PublicEndpoint>() is not null || endpoint.Metadata.GetMetadata<Mlflow.MlflowPresignedUrl>() is not null)
        {
            await Guarded(context);
            return;
        }
        var required = endpoint.Metadata.GetMetadata<RequiresAction>();
        var authOnly = endpoint.Metadata.GetMetadata<AuthenticatedOnly>();
        var target = context.Request.Path.Value ?? "/";
        if (required is null && authOnly is null)
        {
            await ErrorResponses.Write(context, 500, $"Endpoint '{endpoint.DisplayName}' declares no action; refusing it.");
            return;
        }

        var (auth, failure) = await Authenticate(context.Request.Headers.Authorization, context.RequestAborted);
        if (auth is null)
        {
            store.Audit.Record("anonymous", required?.Action ?? authOnly!.AuditAs, target, AuditOutcome.Unauthenticated,
                context.Request.Headers.Authorization.Count == 0 ? "no bearer token" : failure ?? "unknown, expired or revoked token", context.TraceIdentifier);
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ErrorResponses.Write(context, 401, failure is null
                ? "Authentication required: send 'Authorization: Bearer <token>' with a valid, unexpired token (mlp login)."
                : $"Authentication required: {failure}");
            return;
        }
        context.Items[typeof(Caller)] = auth;
        var who = auth.Principal.Name;

        var action = required?.Action ?? authOnly!.AuditAs;
        if (auth.RunScope is { } runScope && runScope.Refusal(action, context.Request.RouteValues["workspace"] as string, context.Request.RouteValues["runId"] as string,
                runInBody: endpoint.Metadata.GetMetadata<Mlflow.MlflowRunInBody>() is not null) is { } outside)
        {
            store.Audit.Record(who, action, target, AuditOutcome.Denied, outside, context.TraceIdentifier);
            await ErrorResponses.Write(context, 403, $"'{who}': {outside}.");
            return;
        }
        if (required is not null && required.Scope != ScopeSource.PerItem)
        {
            var scope = RequiresActionExtensions.ScopeOf(context, required.Scope);
            var decision = store.Access.Check(auth.Principal.Id, scope, required.Action);
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

    private async Task<(Caller? Caller, string? Failure)> Authenticate(StringValues header, CancellationToken ct)
    {
        if (header.Count != 1) return (null, null);
        var value = header[0]!;
        const string bearer = "Bearer ";
        if (!value.StartsWith(bearer, StringComparison.OrdinalIgnoreCase)) return (null, null);
        var token = value[bearer.Length..].Trim();
        if (signIn.Oidc is { } oidc && Identity.OidcAuthenticator.LooksLikeJwt(token))
        {
            var (user, subject, failure) = await oidc.ValidateAsync(token, ct);
            if (user is null) return (null, failure);
            var principal = store.Identities.Find(user);
            if (principal is not { Kind: Identity.PrincipalKind.User })
                return (null, $"the OpenID Connect user '{user}' has no identity on this server; an Owner creates it with 'mlp identity create {user}' and assigns a role.");
            return (new Caller(principal, "oidc:" + (subject ?? user)), null);
        }
        return store.Identities.Authenticate(token) is { } found ? (new Caller(found.Principal, found.Token.Id, found.Token.RunScope), null) : (null, null);
    }

    private async Task Guarded(HttpContext context)
    {
        try
        {
            await next(context);
            // The body binder answers an oversized body with a bare 413; give it the same JSON error as every other refusal.
            if (context.Response.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
                await ErrorResponses.Write(context, 413, $"The request body is larger than the limit of {maxBody} bytes.");
        }
        catch (Exception e) when (!context.Response.HasStarted && ErrorResponses.Explain(e, maxBody) is { } x)
        {
            await ErrorResponses.Write(context, x.Status, x.Message, x.Details);
        }
    }
}
