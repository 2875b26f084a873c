namespace MlPipelines.Core.Images;

/// <summary>A scoring image: rendered context (tag = content hash), optionally built and pushed.</summary>
public sealed record ImageRecord
{
    /// <summary>Content hash of the rendered build context.</summary>
    public required string ContextHash { get; init; }
    /// <summary>Repository and tag, e.g. <c>localhost:5000/iris:3f2a…</c> or <c>mlp/iris:3f2a…</c>.</summary>
    public required string Tag { get; init; }
    /// <summary>The model of this image record.</summary>
    public required string Model { get; init; }
    /// <summary>The model version of this image record.</summary>
    public required int ModelVersion { get; init; }
    /// <summary>The base image of this image record.</summary>
    public required string BaseImage { get; init; }
    /// <summary>"rendered", "built", "pushed".</summary>
    public required string State { get; init; }
    /// <summary>Registry digest (sha256:…) after a push, or the image id after a build.</summary>
    public string? Digest { get; init; }
    /// <summary>The size bytes of this image record.</summary>
    public long? SizeBytes { get; init; }
    /// <summary>The build time of this image record.</summary>
    public TimeSpan? BuildTime { get; init; }
    /// <summary>Where the build context was rendered.</summary>
    public string? ContextPath { get; init; }
    /// <summary>The created at of this image record.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Images recorded in the workspace.</summary>
public interface IImageStore
{
    /// <summary>Inserts or updates the record with the same tag.</summary>
    void Save(ImageRecord image);
    /// <summary>Image by tag or context hash, or null.</summary>
    ImageRecord? Find(string tagOrHash);
    /// <summary>All images, newest first.</summary>
    IReadOnlyList<ImageRecord> List();
}
