using MlPipelines.Core.Workspaces;
using MlPipelines.Workspace;

namespace MlPipelines.Server.Store;

/// <summary>
/// Where the records of hosted workspaces live, by store kind: with a SQLite store each workspace is an embedded
/// workspace in its folder; with a PostgreSQL store each is a schema of the store's database, its files in its folder.
/// </summary>
internal abstract class WorkspaceHome
{
    /// <summary>The home matching the store's engine.</summary>
    public static WorkspaceHome For(ServerStore store) => store.Address is PostgresStoreAddress pg
        ? new PostgresWorkspaceHome(store.Db, pg)
        : FolderWorkspaceHome.Instance;

    /// <summary>Conflict when the records of a workspace of this name would land on something that already exists.</summary>
    public abstract void CheckFree(string name);

    /// <summary>Creates the workspace's store (its folder exists and is empty) and returns it open.</summary>
    public abstract IWorkspace Create(string name, string folder);

    /// <summary>Opens the store of a catalogued workspace.</summary>
    public abstract IWorkspace Open(HostedWorkspace workspace);

    /// <summary>
    /// Moves the records of a deleted workspace aside (undoable by hand) and says where to, or null when its
    /// folder holds them (the caller moves the folder).
    /// </summary>
    public abstract string? Retire(HostedWorkspace workspace, DateTimeOffset at);
}

/// <summary>SQLite store: each workspace an embedded <see cref="LocalWorkspace"/> (<c>FOLDER/.mlp/</c>).</summary>
internal sealed class FolderWorkspaceHome : WorkspaceHome
{
    public static readonly FolderWorkspaceHome Instance = new();

    public override void CheckFree(string name) { }

    public override IWorkspace Create(string name, string folder) => LocalWorkspace.Init(folder);

    public override IWorkspace Open(HostedWorkspace workspace) => LocalWorkspace.Open(workspace.Location);

    public override string? Retire(HostedWorkspace workspace, DateTimeOffset at) => null;
}
