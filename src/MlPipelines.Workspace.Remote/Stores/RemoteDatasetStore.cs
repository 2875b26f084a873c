using MlPipelines.Core.Data;
using MlPipelines.Core.Naming;
using MlPipelines.Workspace.Remote.Http;

namespace MlPipelines.Workspace.Remote.Stores;

/// <summary>
/// Datasets and datastores over <c>/api/v1/workspaces/NAME/datasets</c> and <c>…/datastores</c>. Registering into the
/// 'workspace' datastore reads a client-side file or folder (links out of it skipped with a warning), uploads the blobs
/// the server lacks and registers the manifest; any other datastore is a folder on the server, so the path is sent as
/// is. Downloads stream each file, verified against its hash, into place under the output folder.
/// </summary>
internal sealed class RemoteDatasetStore(RemoteConnection http, WorkspacePaths paths, RemoteArtifactStore artifacts) : IDatasetStore
{
    private const string WorkspaceStore = "workspace";

    public DatasetVersion Register(string name, string path, string? description = null, string datastore = WorkspaceStore, Action<string>? onWarning = null)
    {
        Names.Validate("dataset", name);
        if (datastore != WorkspaceStore)
            return http.Write<DatasetVersion>(HttpMethod.Post, paths.Segments("datasets", name, "versions"), new RegisterDatasetRequest(path, datastore, description));
        var (files, isFile) = ClientFolderUpload.Upload(artifacts, path, onWarning);
        return RegisterManifest(name, files.Select(f => new DatasetFile(f.Path, f.Hash, f.Size)).ToList(), isFile, description);
    }

    public DatasetVersion RegisterManifest(string name, IReadOnlyList<DatasetFile> files, bool isFile, string? description = null) =>
        http.Write<DatasetVersion>(HttpMethod.Post, paths.Segments("datasets", Names.Validate("dataset", name), "manifest"),
            new DatasetManifestRequest(files, isFile, description));

    public DatasetVersion Get(string name, int? version = null) => version is { } v
        ? http.Get<DatasetVersion>(paths.Segments("datasets", name, "versions", v.ToString()))
        : http.Get<DatasetVersion>(paths.Segments("datasets", name));

    public IReadOnlyList<DatasetVersion> List() => http.Get<List<DatasetVersion>>(paths.Of("datasets"));

    public IReadOnlyList<DatasetVersion> Versions(string name) => http.Get<List<DatasetVersion>>(paths.Segments("datasets", name, "versions"));

    public void Download(string name, int? version, string outputDir)
    {
        var d = Get(name, version);
        Directory.CreateDirectory(outputDir);
        foreach (var f in d.Files)
        {
            var target = ArtifactPaths.ResolveUnder(outputDir, "dataset file", f.Path);
            VerifiedDownload.ToFile(http, FilePath(d.Name, d.Version, f.Path), f.Hash, target, $"file '{f.Path}' of dataset '{d.Name}:{d.Version}'");
        }
    }

    public Stream OpenFile(string name, int version, string path)
    {
        var d = Get(name, version);
        var file = d.Files.FirstOrDefault(f => f.Path == path)
            ?? throw Core.Errors.MlpException.NotFound($"file of dataset '{d.Name}:{d.Version}'", path, d.Files.Select(f => f.Path));
        return VerifiedDownload.Open(http, FilePath(d.Name, d.Version, file.Path), file.Hash, $"file '{file.Path}' of dataset '{d.Name}:{d.Version}'");
    }

    public Datastore AddDatastore(string name, string location) =>
        http.Write<Datastore>(HttpMethod.Post, paths.Of("datastores"), new AddDatastoreRequest(Names.Validate("datastore", name), location));

    public IReadOnlyList<Datastore> ListDatastores() => http.Get<List<Datastore>>(paths.Of("datastores"));

    /// <summary><c>datasets/NAME/versions/V/files/a/b.csv</c>, each part of the file path escaped on its own.</summary>
    private string FilePath(string name, int version, string path) =>
        paths.Segments(["datasets", name, "versions", version.ToString(), "files", .. ArtifactPaths.Normalize("dataset file", path).Split('/')]);
}
