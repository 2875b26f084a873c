using Microsoft.Data.Sqlite;
using MlPipelines.Core.Errors;
using MlPipelines.Server.Authorization;
using MlPipelines.Server.Identity;

namespace MlPipelines.Server.Store;

/// <summary>Custom role definitions (built-ins live in code) and role assignments.</summary>
public sealed class AccessStore
{
    private const string AssignmentColumns = "id, principal_id, role, scope, created_at";
    private readonly ServerDb _db;
    private readonly TimeProvider _time;

    internal AccessStore(ServerDb db, TimeProvider time) { _db = db; _time = time; }

    /// <summary>Built-in roles then custom roles by name.</summary>
    public IReadOnlyList<RoleDefinition> ListRoles() =>
        [.. BuiltInRoles.All, .. _db.Read(d => d.Query("SELECT json FROM role_definitions ORDER BY name", r => RoleDefinition.ParseCustom(r.GetString(0))))];

    /// <summary>A role by name (built-in or custom), or null.</summary>
    public RoleDefinition? FindRole(string name) => BuiltInRoles.Find(name)
        ?? (_db.Read(d => d.Scalar("SELECT json FROM role_definitions WHERE name = $p0", name)) is string json ? RoleDefinition.ParseCustom(json) : null);

    /// <summary>A role by name, or NotFound listing the roles.</summary>
    public RoleDefinition GetRole(string name) => FindRole(name) ?? throw MlpException.NotFound("role", name, ListRoles().Select(r => r.Name));

    /// <summary>Adds a custom role (parsed and validated from Azure role-definition JSON); Conflict when the name exists.</summary>
    public RoleDefinition CreateRole(string json)
    {
        var role = RoleDefinition.ParseCustom(json);
        try { _db.Write(d => d.Exec("INSERT INTO role_definitions(name, json, created_at) VALUES($p0, $p1, $p2)", role.Name, role.ToJson(), _time.GetUtcNow())); }
        catch (SqliteException e) when (e.SqliteErrorCode == 19) { throw MlpException.Conflict($"A role named '{role.Name}' already exists."); }
        return role;
    }

    /// <summary>Deletes a custom role; built-ins cannot be deleted and a role still assigned is a Conflict.</summary>
    public void DeleteRole(string name) => _db.Write(d =>
    {
        if (BuiltInRoles.Find(name) is not null) throw MlpException.Invalid($"Role '{name}' is built in and cannot be deleted.");
        var uses = Convert.ToInt64(d.Scalar("SELECT COUNT(*) FROM role_assignments WHERE role = $p0", name));
        if (uses > 0) throw MlpException.Conflict($"Role '{name}' is still assigned {uses} time(s); unassign it first (mlp role assignments).");
        if (d.Exec("DELETE FROM role_definitions WHERE name = $p0", name) == 0)
            throw MlpException.NotFound("custom role", name, d.Query("SELECT name FROM role_definitions ORDER BY name", r => r.GetString(0)));
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
            var existing = d.Query($"SELECT {AssignmentColumns} FROM role_assignments WHERE principal_id = $p0 AND role = $p1 AND scope = $p2",
                Map, principal.Id, role.Name, scope).FirstOrDefault();
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
            var existing = d.Query($"SELECT {AssignmentColumns} FROM role_assignments WHERE principal_id = $p0 AND role = $p1 AND scope = $p2",
                Map, principal.Id, roleName, scope).FirstOrDefault()
                ?? throw MlpException.NotFound("role assignment", $"{roleName} at {scope} for {principal.Name}",
                    d.Query("SELECT role || ' at ' || scope FROM role_assignments WHERE principal_id = $p0", r => r.GetString(0), principal.Id));
            d.Exec("DELETE FROM role_assignments WHERE id = $p0", existing.Id);
            return existing;
        });
    }

    /// <summary>Assignments, optionally only of one principal and/or only those applying to a scope.</summary>
    public IReadOnlyList<RoleAssignment> ListAssignments(string? principalId = null, string? scope = null) => _db.Read(d =>
        d.Query($"SELECT {AssignmentColumns} FROM role_assignments ORDER BY scope, role, created_at", Map))
        .Where(a => principalId is null || a.PrincipalId == principalId)
        .Where(a => scope is null || Scopes.Covers(a.Scope, scope) || Scopes.Covers(scope, a.Scope))
        .ToList();

    /// <summary>Removes every assignment at or below a scope (when the workspace it names is deleted).</summary>
    internal void RemoveAssignmentsAt(ServerDb d, string scope) =>
        d.Exec("DELETE FROM role_assignments WHERE scope = $p0 OR scope LIKE $p1", scope, scope + "/%");

    /// <summary>Evaluates an action for a principal at a scope.</summary>
    public AccessDecision Check(string principalId, string scope, string action) =>
        AccessEvaluator.Evaluate(ListAssignments(principalId), FindRole, scope, action);

    private static RoleAssignment Map(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.Time(4));
}
