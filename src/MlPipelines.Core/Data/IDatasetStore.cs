namespace MlPipelines.Core.Data;

/// <summary>Datastores and versioned datasets.</summary>
public interface IDatasetStore
{
    /// <summary>
    /// Registers a file or folder as a new version, or returns the existing version with identical content.
    /// <paramref name="onWarning"/> hears of each symbolic link that was skipped (out of the folder, dangling or a loop).
    /// </summary>
    DatasetVersion Register(string name, string path, string? description = null, string datastore = "workspace", Action<string>? onWarning = null);
    /// <summary>
    /// Registers, in the 'workspace' datastore, a file set whose blobs are already in the artifact store (a remote client
    /// uploads them first): same version and hash rules as <see cref="Register"/>, so identical content gives the existing
    /// version. InvalidInput names the first file whose blob is missing or whose size differs.
    /// </summary>
    /// <param name="name">The dataset name.</param>
    /// <param name="files">Relative path, content hash and size of every file.</param>
    /// <param name="isFile">True for a single-file dataset (exactly one entry).</param>
    /// <param name="description">Optional description of the new version.</param>
    DatasetVersion RegisterManifest(string name, IReadOnlyList<DatasetFile> files, bool isFile, string? description = null);
    /// <summary>Resolves NAME, NAME:VERSION or NAME:latest; NotFound lists existing datasets/versions.</summary>
    DatasetVersion Get(string name, int? version = null);
    /// <summary>Latest version of every dataset.</summary>
    IReadOnlyList<DatasetVersion> List();
    /// <summary>All versions of one dataset.</summary>
    IReadOnlyList<DatasetVersion> Versions(string name);
    /// <summary>Materialises a version into a folder.</summary>
    void Download(string name, int? version, string outputDir);
    /// <summary>Opens one file of a version for reading (NotFound names the files of the version); a folder datastore's file is checked against its registered hash first.</summary>
    Stream OpenFile(string name, int version, string path);
    /// <summary>Adds a datastore pointing at a local or mounted folder.</summary>
    Datastore AddDatastore(string name, string location);
    /// <summary>All datastores.</summary>
    IReadOnlyList<Datastore> ListDatastores();
}
