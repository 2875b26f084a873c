using System.Data.Common;
using MlPipelines.Core.Errors;
using MlPipelines.Server.Authorization;
using MlPipelines.Server.Identity;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Server.Store;

/// <summary>Custom role definitions (built-ins live in code) and role assignments; role names and scopes compare case-insensitively.</summary>
public sealed class AccessStore
{
    private const string AssignmentColumns = "id, principal_id, role, scope, created_at";
    private const string SameAssignment = "principal_id = $p0 AND lower(role) = lower($p1) AND lower(scope) = lower($p2)";
    private readonly ServerDb _db;
    private readonly TimeProvider _time;

    private readonly AccessCache _cache;

    internal AccessStore(ServerDb db, TimeProvider time, AccessCache cache) { _db = db; _time = time; _cache = cache; }

    /// <summary>Built-in roles then custom roles by name.</summary>
    public IReadOnlyList<RoleDefinition> ListRoles() =>
        [.. BuiltInRoles.All, .. _db.Read(d => d.Query("SELECT json FROM role_definitions ORDER BY lower(name), name", r => RoleDefinition.ParseCustom(r.GetString(0))))];

    /// <summary>A role by name (built-in or custom), or null.</summary>
    public RoleDefinition? FindRole(string name) => BuiltInRoles.Find(name)
        ?? (_db.Read(d => d.Text("SELECT json FROM role_definitions WHERE lower(name) = lower($p0)", name)) is { } json ? RoleDefinition.ParseCustom(json) : null);

    /// <summary>A role by name, or NotFound listing the roles.</summary>
    public RoleDefinition GetRole(string name) => FindRole(name) ?? throw MlpException.NotFound("role", name, ListRoles().Select(r => r.Name));

    /// <summary>Adds a custom role (parsed and validated from Azure role-definition JSON); Conflict when the name exists.</summary>
    public RoleDefinition CreateRole(string json)
    {
        var role = RoleDefinition.ParseCustom(json);
        var added = _db.Write(d => d.Exec("INSERT INTO role_definitions(name, json, created_at) VALUES($p0, $p1, $p2) ON CONFLICT DO NOTHING",
            role.Name, role.ToJson(), _time.GetUtcNow()));
        if (added == 0) throw MlpException.Conflict($"A role named '{role.Name}' already exists.");
        return role;
    }

    /// <summary>Deletes a custom role; built-ins cannot be deleted and a role still assigned is a Conflict.</summary>
    public void DeleteRole(string name) => _db.Write(d =>
    {
        if (BuiltInRoles.Find(name) is not null) throw MlpException.Invalid($"Role '{name}' is built in and cannot be deleted.");
        var uses = d.Long("SELECT COUNT(*) FROM role_assignments WHERE lower(role) = lower($p0)", name);
        if (uses > 0) throw MlpException.Conflict($"Role '{name}' is still assigned {uses} time(s); unassign it first (mlp role assignments).");
        if (d.Exec("DELETE FROM role_definitions WHERE lower(name) = lower($p0)", name) == 0)
            throw MlpException.NotFound("custom role", name, d.Query("SELECT name FROM role_definitions ORDER BY lower(name), name", r => r.GetString(0)));
    });

    /// <summary>Assigns a role to a principal at a scope (idempotent: the existing assignment is returned).</summary>
    public RoleAssignment Assign(Principal principal, string roleName, string scope)
    {
        scope = Scopes.Parse(scope);
        var role = GetRole(roleName);
        if (!role.AssignableAt(scope))
            throw MlpException.Invalid($"Role '{role.Name}' may be assigned only at {string.Join(", ", role.AssignableScopes.Select(s => $"'{s}'"))}, not at '{scope}'.");
        return _db.Write(d =>
        {
            var existing = d.Query($"SELECT {AssignmentColumns} FROM role_assignments WHERE {SameAssignment}", Map, principal.Id, role.Name, scope).FirstOrDefault();
            if (existing is not null) return existing;
            var a = new RoleAssignment(ApiTokens.NewId("ra_"), principal.Id, role.Name, scope, _time.GetUtcNow());
            d.Exec($"INSERT INTO role_assignments({AssignmentColumns}) VALUES($p0, $p1, $p2, $p3, $p4)", a.Id, a.PrincipalId, a.Role, a.Scope, a.CreatedAt);
            return a;
        });
    }

    /// <summary>Removes an assignment; NotFound when there is none for that principal, role and scope.</summary>
    public RoleAssignment Unassign(Principal principal, string roleName, string scope)
    {
        scope = Scopes.Parse(scope);
        return _db.Write(d =>
        {
            var existing = d.Query($"SELECT {AssignmentColumns} FROM role_assignments WHERE {SameAssignment}", Map, principal.Id, roleName, scope).FirstOrDefault()
                ?? throw MlpException.NotFound("role assignment", $"{roleName} at {scope} for {principal.Name}",
                    d.Query("SELECT role || ' at ' || scope FROM role_assignments WHERE principal_id = $p0 ORDER BY lower(scope), lower(role)", r => r.GetString(0), principal.Id));
            d.Exec("DELETE FROM role_assignments WHERE id = $p0", existing.Id);
            return existing;
        });
    }

    /// <summary>Assignments, optionally only of one principal and/or only those applying to a scope.</summary>
    public IReadOnlyList<RoleAssignment> ListAssignments(string? principalId = null, string? scope = null) => _db.Read(d => principalId is null
            ? d.Query($"SELECT {AssignmentColumns} FROM role_assignments ORDER BY lower(scope), lower(role), created_at, id", Map)
            : d.Query($"SELECT {AssignmentColumns} FROM role_assignments WHERE principal_id = $p0 ORDER BY lower(scope), lower(role), created_at, id", Map, principalId))
        .Where(a => scope is null || Scopes.Covers(a.Scope, scope) || Scopes.Covers(scope, a.Scope))
        .ToList();

    /// <summary>
    /// Removes every assignment at or below a scope (when the workspace it names is deleted), inside the caller's
    /// transaction. A prefix comparison, not LIKE: '_' in a workspace name is not a wildcard.
    /// </summary>
    internal void RemoveAssignmentsAt(DbSession d, string scope)
    {
        var below = scope + "/";
        d.Exec("DELETE FROM role_assignments WHERE lower(scope) = lower($p0) OR lower(substr(scope, 1, $p2)) = lower($p1)", scope, below, below.Length);
    }

    /// <summary>Evaluates an action for a principal at a scope.</summary>
    public AccessDecision Check(string principalId, string scope, string action) =>
        _cache.GetOrLoad($"acc:{principalId}\n{scope}\n{action}", () => AccessEvaluator.Evaluate(ListAssignments(principalId), FindRole, scope, action));

    private static RoleAssignment Map(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.Time(4));
}
