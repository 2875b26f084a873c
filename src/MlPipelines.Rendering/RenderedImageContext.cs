namespace MlPipelines.Rendering;

/// <summary>A rendered build context folder.</summary>
public sealed record RenderedImageContext
{
    /// <summary>The folder holding Dockerfile, image.json, host/, scorer/, model/.</summary>
    public required string Directory { get; init; }
    /// <summary>SHA-256 over the sorted (relative path, file hash) list of every file in the context.</summary>
    public required string ContextHash { get; init; }
    /// <summary><c>REPOSITORY:first 12 hex of the hash</c>, e.g. <c>mlp/iris:3f2a9c01b2d4</c>.</summary>
    public required string Tag { get; init; }
    /// <summary>Repository part of <see cref="Tag"/>.</summary>
    public required string Repository { get; init; }
    /// <summary>Base image used.</summary>
    public required string BaseImage { get; init; }
    /// <summary>Model name.</summary>
    public required string ModelName { get; init; }
    /// <summary>Model version.</summary>
    public required int ModelVersion { get; init; }
    /// <summary>Every file of the context as (relative path with '/', SHA-256), sorted by path.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Files { get; init; }

    /// <summary>The short tag part (first 12 hex digits of the context hash).</summary>
    public string ShortHash => ContextHash[..12];
}
