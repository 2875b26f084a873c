using MlPipelines.Core.Data;
using MlPipelines.Core.Registry;

namespace MlPipelines.Workspace.Remote.Http;

// Request and answer bodies of the artifact, dataset, model, image and endpoint-record API that are not Core records
// themselves. The server binds these same types, so client and server cannot drift apart.

/// <summary>A resumable upload: its id and how many bytes the server holds (the offset of the next chunk).</summary>
public sealed record UploadSession(string Id, long Offset);

/// <summary>Body of <c>POST …/uploads/{id}/complete</c>: the SHA-256 the uploaded bytes must have.</summary>
public sealed record CompleteUploadRequest(string Hash);

/// <summary>Bytes and number of blobs in a workspace's artifact store.</summary>
public sealed record ArtifactUsage(long Bytes, long Count);

/// <summary>Body of <c>POST …/blobs/missing</c>: hashes to look up (at most <see cref="MaxHashes"/>).</summary>
public sealed record BlobQuery(IReadOnlyList<string> Hashes)
{
    /// <summary>The most hashes one query may carry.</summary>
    public const int MaxHashes = 10_000;
}

/// <summary>The hashes of a <see cref="BlobQuery"/> that the server does not hold.</summary>
public sealed record MissingBlobs(IReadOnlyList<string> Missing);

/// <summary>
/// Body of <c>POST …/datasets/{name}/manifest</c>: files already uploaded as blobs, registered in the 'workspace'
/// datastore (a client folder registered remotely).
/// </summary>
public sealed record DatasetManifestRequest(IReadOnlyList<DatasetFile> Files, bool IsFile = false, string? Description = null);

/// <summary>Body of <c>POST …/datasets/{name}/versions</c>: a path inside a folder datastore of the server.</summary>
public sealed record RegisterDatasetRequest(string Path, string Datastore, string? Description = null);

/// <summary>Body of <c>POST …/datastores</c>: a folder on the server (inside one of its allowed datastore roots).</summary>
public sealed record AddDatastoreRequest(string Name, string Location);

/// <summary>
/// Body of <c>POST …/models/{name}/versions</c>: the files come from a run's output (<see cref="RunId"/> +
/// <see cref="RunOutputPath"/>, resolved on the server) or are blobs the client uploaded (<see cref="Files"/>). There is
/// no local path: a path on the server is never read. The creator is the authenticated caller.
/// </summary>
public sealed record RegisterModelRequest
{
    /// <summary>Source run (lineage, and the files with <see cref="RunOutputPath"/>).</summary>
    public string? RunId { get; init; }
    /// <summary>Output path (file or folder prefix) inside the run's outputs.</summary>
    public string? RunOutputPath { get; init; }
    /// <summary>Files already uploaded as blobs.</summary>
    public IReadOnlyList<ModelFile>? Files { get; init; }
    /// <summary>Framework or flavor, e.g. "dotnet".</summary>
    public string? Flavor { get; init; }
    /// <summary>Input/output schema as JSON.</summary>
    public string? SignatureJson { get; init; }
    /// <summary>Description of the version.</summary>
    public string? Description { get; init; }
    /// <summary>Tags of the version.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
    /// <summary>Environment of the version.</summary>
    public string? Environment { get; init; }
    /// <summary>Source URI to record; with an empty <see cref="Files"/> list it registers a version without files.</summary>
    public string? Source { get; init; }
}

/// <summary>Body of <c>POST …/registeredModels</c>: a model with no version yet; the creator is the authenticated caller.</summary>
public sealed record CreateModelRequest(string Name, string? Description = null, IReadOnlyDictionary<string, string>? Tags = null);

/// <summary>Body of <c>PATCH …/registeredModels/{name}</c> and <c>PATCH …/models/{name}/versions/{version}</c>: the new description (null clears it).</summary>
public sealed record DescriptionRequest(string? Description);

/// <summary>Body of <c>POST …/registeredModels/{name}/rename</c>.</summary>
public sealed record RenameModelRequest(string NewName);

/// <summary>Body of <c>PUT …/tags/{key}</c> of a model or a version.</summary>
public sealed record TagValueRequest(string Value);

/// <summary>Body of <c>PUT …/models/{name}/aliases/{alias}</c>; who moved it is the authenticated caller.</summary>
public sealed record SetAliasRequest(int Version, string? Reason = null);

/// <summary>Body of <c>PUT …/endpoints/{name}/traffic</c>; who changed it is the authenticated caller.</summary>
public sealed record TrafficRequest(IReadOnlyDictionary<string, int> Traffic, IReadOnlyDictionary<string, int>? Mirror = null, string? Reason = null);
