namespace MlPipelines.Core.Registry;

/// <summary>A registered model version with its lineage.</summary>
public sealed record ModelVersion
{
    /// <summary>The name of this model version.</summary>
    public required string Name { get; init; }
    /// <summary>The version of this model version.</summary>
    public required int Version { get; init; }
    /// <summary>Hash over the sorted (path, file hash) list of the model files.</summary>
    public required string Hash { get; init; }
    /// <summary>The files of this model version.</summary>
    public required IReadOnlyList<ModelFile> Files { get; init; }
    /// <summary>Framework or flavor, e.g. "dotnet", "sklearn".</summary>
    public string? Flavor { get; init; }
    /// <summary>Input/output schema as JSON, optional.</summary>
    public string? SignatureJson { get; init; }
    /// <summary>The description of this model version.</summary>
    public string? Description { get; init; }
    /// <summary>The tags of this model version.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    /// <summary>Latest metrics of the source run, copied at registration.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
    /// <summary>The lineage of this model version.</summary>
    public required ModelLineage Lineage { get; init; }
    /// <summary>Aliases currently pointing at this version.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];
    /// <summary>The created at of this model version.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>The created by of this model version.</summary>
    public string? CreatedBy { get; init; }
    /// <summary>When the description or a tag of this version last changed; null when never changed since it was created.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
    /// <summary>
    /// Where the files came from as a URI, e.g. <c>runs:/RUN_ID/model</c> (set for a run's output) or what an MLflow client gave
    /// (kept even when it names nothing the workspace holds, in which case the version has no files).
    /// </summary>
    public string? Source { get; init; }
}

/// <summary>One file of a model version.</summary>
public sealed record ModelFile(string Path, string Hash, long Size);

/// <summary>Where a model version came from.</summary>
public sealed record ModelLineage
{
    /// <summary>The run id of this model lineage.</summary>
    public string? RunId { get; init; }
    /// <summary>The pipeline run id of this model lineage.</summary>
    public string? PipelineRunId { get; init; }
    /// <summary>The datasets of this model lineage.</summary>
    public IReadOnlyList<(string Dataset, int Version)> Datasets { get; init; } = [];
    /// <summary>The snapshot hash of this model lineage.</summary>
    public string? SnapshotHash { get; init; }
    /// <summary>The environment of this model lineage.</summary>
    public string? Environment { get; init; }
}

/// <summary>Request to register a model version from a run's output path, a local folder or already-stored files.</summary>
public sealed record NewModelVersion
{
    /// <summary>The name of this new model version.</summary>
    public required string Name { get; init; }
    /// <summary>Source run; with <see cref="RunOutputPath"/> the files come from that run's outputs.</summary>
    public string? RunId { get; init; }
    /// <summary>Output path (file or folder prefix) inside the run's outputs.</summary>
    public string? RunOutputPath { get; init; }
    /// <summary>A local file or folder to register instead.</summary>
    public string? LocalPath { get; init; }
    /// <summary>
    /// Or files already in the artifact store (relative path, hash, size): how a remote client registers a local folder
    /// after uploading its blobs. Every blob must exist with that size. An empty list registers a version without files
    /// (an MLflow source the workspace does not hold, kept in <see cref="Source"/>).
    /// </summary>
    public IReadOnlyList<ModelFile>? Files { get; init; }
    /// <summary>The flavor of this new model version.</summary>
    public string? Flavor { get; init; }
    /// <summary>The signature json of this new model version.</summary>
    public string? SignatureJson { get; init; }
    /// <summary>The description of this new model version.</summary>
    public string? Description { get; init; }
    /// <summary>The tags of this new model version.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    /// <summary>The environment of this new model version.</summary>
    public string? Environment { get; init; }
    /// <summary>The created by of this new model version.</summary>
    public string? CreatedBy { get; init; }
    /// <summary>The source URI to record; defaults to <c>runs:/RUN_ID/OUTPUT_PATH</c> for a run's output, else none.</summary>
    public string? Source { get; init; }
    /// <summary>Hears of each symbolic link of <see cref="LocalPath"/> that was skipped (out of the folder, dangling or a loop).</summary>
    public Action<string>? OnWarning { get; init; }
}

/// <summary>One move of an alias: never deleted, so past production versions stay known.</summary>
public sealed record AliasChange(string Model, string Alias, int? FromVersion, int? ToVersion, string Who, DateTimeOffset When, string? Reason);

/// <summary>A model reference as typed by users: NAME, NAME:VERSION, NAME@ALIAS.</summary>
public sealed record ModelRef(string Name, int? Version, string? Alias)
{
    /// <summary>Parses NAME, NAME:VERSION, NAME:latest or NAME@ALIAS.</summary>
    public static ModelRef Parse(string text)
    {
        var at = text.IndexOf('@');
        if (at >= 0) return new(Naming.Names.Validate("model", text[..at]), null, Naming.Names.Validate("alias", text[(at + 1)..]));
        var colon = text.IndexOf(':');
        if (colon < 0 || text[(colon + 1)..] == "latest") return new(Naming.Names.Validate("model", colon < 0 ? text : text[..colon]), null, null);
        if (!int.TryParse(text[(colon + 1)..], out var v) || v < 1)
            throw Errors.MlpException.Invalid($"Invalid model version in '{text}': expected NAME, NAME:VERSION (a positive integer), NAME:latest or NAME@ALIAS.");
        return new(Naming.Names.Validate("model", text[..colon]), v, null);
    }

    /// <inheritdoc />
    public override string ToString() => Alias is not null ? $"{Name}@{Alias}" : Version is { } v ? $"{Name}:{v}" : Name;
}
