using MlPipelines.Server.Authorization;
using MlPipelines.Server.Identity;
using MlPipelines.Server.Store;

namespace MlPipelines.Server.Hosting;

/// <summary>First start: an empty store gets an <c>admin</c> user with Owner on the whole server and one token.</summary>
public static class ServerBootstrap
{
    /// <summary>The name of the bootstrapped user.</summary>
    public const string AdminName = "admin";

    /// <summary>Creates the admin and returns its token secret (to be printed once), or null when the store has identities.</summary>
    public static string? EnsureOwner(ServerStore store)
    {
        if (!store.Identities.IsEmpty) return null;
        var admin = store.Identities.Create(AdminName, PrincipalKind.User);
        store.Access.Assign(admin, BuiltInRoles.Owner.Name, Scopes.Server);
        var token = store.Identities.IssueToken(admin.Id, "bootstrap admin token", null);
        store.Audit.Record("server", "bootstrap", "/", AuditOutcome.Succeeded, $"created '{AdminName}' with role Owner at '/' and token {token.Info.Id}");
        return token.Secret;
    }
}
