using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using MlPipelines.Server.Authorization;
using MlPipelines.Server.Identity;

namespace MlPipelines.Server.Api;

/// <summary>Where the scope of an access check comes from.</summary>
public enum ScopeSource
{
    /// <summary>The whole server (<c>/</c>).</summary>
    Server,
    /// <summary>The <c>{workspace}</c> route value (<c>/workspaces/NAME</c>).</summary>
    Workspace,
    /// <summary>The handler filters its result per item (e.g. listing only the workspaces the caller may read).</summary>
    PerItem,
}

/// <summary>Endpoint metadata: the one catalogued action an operation needs, and at which scope.</summary>
public sealed record RequiresAction(string Action, ScopeSource Scope);

/// <summary>Endpoint metadata for the few operations that need only a valid token (who am I).</summary>
public sealed record AuthenticatedOnly(string AuditAs);

/// <summary>Endpoint metadata for the public, unauthenticated documents (OpenAPI, health).</summary>
public sealed record PublicEndpoint;

/// <summary>The authenticated caller of a request.</summary>
public sealed record Caller(Principal Principal, string TokenId, RunScope? RunScope = null);

/// <summary>Declares endpoint actions.</summary>
public static class RequiresActionExtensions
{
    /// <summary>Declares the action this endpoint needs; the access middleware checks it before the handler runs.</summary>
    public static RouteHandlerBuilder Requires(this RouteHandlerBuilder builder, string action, ScopeSource scope)
    {
        if (!ActionCatalog.Contains(action)) throw new ArgumentException($"Action '{action}' is not in the ActionCatalog.", nameof(action));
        return builder.WithMetadata(new RequiresAction(action, scope));
    }

    /// <summary>The authenticated caller (set by the access middleware).</summary>
    public static Caller Caller(this HttpContext context) =>
        context.Items[typeof(Caller)] as Caller ?? throw new InvalidOperationException("No authenticated caller on this request.");

    /// <summary>The access-check scope of this request.</summary>
    public static string ScopeOf(HttpContext context, ScopeSource source) => source == ScopeSource.Workspace
        && context.Request.RouteValues["workspace"] is string ws ? Scopes.Workspace(ws) : Scopes.Server;
}
