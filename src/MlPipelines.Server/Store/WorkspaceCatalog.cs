using MlPipelines.Core.Errors;
using MlPipelines.Server.Authorization;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Server.Store;

/// <summary>A workspace hosted by the server and where its own store is (its folder; on PostgreSQL its files folder).</summary>
public sealed record HostedWorkspace(string Name, string Location, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>The workspaces of a server (name → store location); names are unique case-insensitively.</summary>
public sealed class WorkspaceCatalog
{
    private readonly ServerDb _db;
    private readonly TimeProvider _time;

    internal WorkspaceCatalog(ServerDb db, TimeProvider time) { _db = db; _time = time; }

    /// <summary>Records a new workspace; Conflict when the name is taken.</summary>
    public HostedWorkspace Add(string name, string location, string createdBy)
    {
        WorkspaceNames.Validate(name);
        var w = new HostedWorkspace(name, location, _time.GetUtcNow(), createdBy);
        var added = _db.Write(d => d.Exec("INSERT INTO workspaces(name, location, created_at, created_by) VALUES($p0, $p1, $p2, $p3) ON CONFLICT DO NOTHING",
            w.Name, w.Location, w.CreatedAt, w.CreatedBy));
        if (added == 0) throw MlpException.Conflict($"A workspace named '{name}' already exists.");
        return w;
    }

    /// <summary>All workspaces by name.</summary>
    public IReadOnlyList<HostedWorkspace> List() => _db.Read(d => d.Query(
        "SELECT name, location, created_at, created_by FROM workspaces ORDER BY lower(name), name",
        r => new HostedWorkspace(r.GetString(0), r.GetString(1), r.Time(2), r.GetString(3))));

    /// <summary>A workspace by name, or NotFound listing the workspaces.</summary>
    public HostedWorkspace Get(string name) =>
        List().FirstOrDefault(w => string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw MlpException.NotFound("workspace", name, List().Select(w => w.Name));

    /// <summary>Removes a workspace and the role assignments at its scope, in one transaction.</summary>
    public HostedWorkspace Remove(string name, AccessStore access)
    {
        var w = Get(name);
        _db.Write(d =>
        {
            d.Exec("DELETE FROM workspaces WHERE name = $p0", w.Name);
            access.RemoveAssignmentsAt(d, Scopes.Workspace(w.Name));
        });
        return w;
    }
}
