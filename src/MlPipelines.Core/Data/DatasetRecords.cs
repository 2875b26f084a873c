namespace MlPipelines.Core.Data;

/// <summary>A named place for data. The embedded default is the 'workspace' datastore inside <c>.mlp/</c>.</summary>
public sealed record Datastore(string Name, string Kind, string Location, DateTimeOffset CreatedAt);

/// <summary>One version of a dataset: a content-hashed file or folder (hash = SHA-256 over the sorted (path, file hash) list).</summary>
public sealed record DatasetVersion
{
    /// <summary>The name of this dataset version.</summary>
    public required string Name { get; init; }
    /// <summary>The version of this dataset version.</summary>
    public required int Version { get; init; }
    /// <summary>The hash of this dataset version.</summary>
    public required string Hash { get; init; }
    /// <summary>The size bytes of this dataset version.</summary>
    public required long SizeBytes { get; init; }
    /// <summary>The file count of this dataset version.</summary>
    public required int FileCount { get; init; }
    /// <summary>True when the dataset is a single file (not a folder).</summary>
    public required bool IsFile { get; init; }
    /// <summary>The datastore of this dataset version.</summary>
    public required string Datastore { get; init; }
    /// <summary>The description of this dataset version.</summary>
    public string? Description { get; init; }
    /// <summary>The created at of this dataset version.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>The files: relative path, content hash and size.</summary>
    public IReadOnlyList<DatasetFile> Files { get; init; } = [];
}

/// <summary>One file of a dataset version.</summary>
public sealed record DatasetFile(string Path, string Hash, long Size);
