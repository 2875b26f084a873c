using MlPipelines.Core.Environments;
using MlPipelines.Workspace.Remote.Http;

namespace MlPipelines.Workspace.Remote.Stores;

/// <summary>Environment versions over <c>/api/v1/workspaces/NAME/environments</c>.</summary>
internal sealed class RemoteEnvironmentStore(RemoteConnection http, WorkspacePaths paths) : IEnvironmentStore
{
    public void Save(EnvironmentRecord environment) => http.Write(HttpMethod.Post, paths.Of("environments"), environment);

    public EnvironmentRecord? Find(string nameOrHash) =>
        string.IsNullOrWhiteSpace(nameOrHash) ? null : http.GetOrNull<EnvironmentRecord>(paths.Segments("environments", nameOrHash));

    public IReadOnlyList<EnvironmentRecord> List() => http.Get<List<EnvironmentRecord>>(paths.Of("environments"));

    public int Delete(string nameOrHash) => http.Write<Deleted>(HttpMethod.Delete, paths.Segments("environments", nameOrHash), null).Count;
}
