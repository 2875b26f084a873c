namespace MlPipelines.Core.Data;

/// <summary>Datastores and versioned datasets.</summary>
public interface IDatasetStore
{
    /// <summary>
    /// Registers a file or folder as a new version, or returns the existing version with identical content.
    /// <paramref name="onWarning"/> hears of each symbolic link that was skipped (out of the folder, dangling or a loop).
    /// </summary>
    DatasetVersion Register(string name, string path, string? description = null, string datastore = "workspace", Action<string>? onWarning = null);
    /// <summary>Resolves NAME, NAME:VERSION or NAME:latest; NotFound lists existing datasets/versions.</summary>
    DatasetVersion Get(string name, int? version = null);
    /// <summary>Latest version of every dataset.</summary>
    IReadOnlyList<DatasetVersion> List();
    /// <summary>All versions of one dataset.</summary>
    IReadOnlyList<DatasetVersion> Versions(string name);
    /// <summary>Materialises a version into a folder.</summary>
    void Download(string name, int? version, string outputDir);
    /// <summary>Adds a datastore pointing at a local or mounted folder.</summary>
    Datastore AddDatastore(string name, string location);
    /// <summary>All datastores.</summary>
    IReadOnlyList<Datastore> ListDatastores();
}
