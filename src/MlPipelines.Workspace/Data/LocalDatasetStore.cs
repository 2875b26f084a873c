using MlPipelines.Core.Data;
using MlPipelines.Core.Errors;
using MlPipelines.Workspace.Artifacts;
using MlPipelines.Workspace.Files;
using MlPipelines.Workspace.Sqlite;

namespace MlPipelines.Workspace.Data;

/// <summary>Datastores and versioned datasets (placeholder until the dataset store lands).</summary>
internal sealed class LocalDatasetStore(SqliteDb db, LocalArtifactStore artifacts, FileHasher hasher, WorkspaceLayout layout) : IDatasetStore
{
    private static MlpException Todo() => MlpException.Unavailable("Datasets are not implemented in this build yet.");
    private readonly object _unused = (db, artifacts, hasher, layout);
    public DatasetVersion Register(string name, string path, string? description = null, string datastore = "workspace") => throw Todo();
    public DatasetVersion Get(string name, int? version = null) => throw Todo();
    public IReadOnlyList<DatasetVersion> List() => throw Todo();
    public IReadOnlyList<DatasetVersion> Versions(string name) => throw Todo();
    public void Download(string name, int? version, string outputDir) => throw Todo();
    public Datastore AddDatastore(string name, string location) => throw Todo();
    public IReadOnlyList<Datastore> ListDatastores() => throw Todo();
}
