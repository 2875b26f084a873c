namespace MlPipelines.Server.Authorization;

/// <summary>One role given to a principal at a scope.</summary>
public sealed record RoleAssignment(string Id, string PrincipalId, string Role, string Scope, DateTimeOffset CreatedAt);

/// <summary>The outcome of an access check; when denied, <see cref="Message"/> names the missing action and the scope.</summary>
public sealed record AccessDecision(bool Allowed, string Action, string Scope, string? GrantedBy)
{
    /// <summary>Why access was denied (or granted), for the 403 body and the audit log.</summary>
    public string Message => Allowed
        ? $"'{Action}' on scope '{Scope}' allowed by role '{GrantedBy}'"
        : $"needs action '{Action}' on scope '{Scope}'";
}

/// <summary>
/// The pure access check: allowed when any assignment whose scope covers the target names a role that allows the action.
/// A role's NotActions only subtract from that role (Azure semantics); there are no deny assignments.
/// </summary>
public static class AccessEvaluator
{
    /// <summary>Decides whether the assignments allow <paramref name="action"/> on <paramref name="scope"/>.</summary>
    /// <param name="assignments">The principal's assignments.</param>
    /// <param name="roles">Resolves a role name to its definition (built-in or custom); null when it no longer exists.</param>
    /// <param name="scope">The target scope.</param>
    /// <param name="action">The catalogued action.</param>
    public static AccessDecision Evaluate(IEnumerable<RoleAssignment> assignments, Func<string, RoleDefinition?> roles, string scope, string action)
    {
        foreach (var a in assignments)
        {
            if (!Scopes.Covers(a.Scope, scope)) continue;
            if (roles(a.Role) is { } role && role.Allows(action)) return new AccessDecision(true, action, scope, role.Name);
        }
        return new AccessDecision(false, action, scope, null);
    }
}
