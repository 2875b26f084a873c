using MlPipelines.Core.Images;

namespace MlPipelines.Containers;

/// <summary>A rendered build context to build (the fields of the renderer's result that the builder needs).</summary>
public sealed record ImageBuildRequest
{
    /// <summary>The context folder (Dockerfile at its root).</summary>
    public required string ContextDirectory { get; init; }
    /// <summary>Content hash of the context.</summary>
    public required string ContextHash { get; init; }
    /// <summary>Local tag, e.g. <c>mlp/iris:3f2a9c01b2d4</c>.</summary>
    public required string Tag { get; init; }
    /// <summary>Model name.</summary>
    public required string Model { get; init; }
    /// <summary>Model version.</summary>
    public required int ModelVersion { get; init; }
    /// <summary>Base image of the Dockerfile.</summary>
    public required string BaseImage { get; init; }
    /// <summary>Repository to push to, e.g. <c>localhost:5000/iris</c>; null builds only.</summary>
    public string? PushRepository { get; init; }
    /// <summary>Registry credentials; null reads the Docker config file.</summary>
    public RegistryCredentials? Credentials { get; init; }
}

/// <summary>What the builder did.</summary>
public enum ImageBuildOutcome
{
    /// <summary>No engine: the context is rendered and recorded, nothing built.</summary>
    Rendered,
    /// <summary>The engine already had an image for this context hash; nothing was built.</summary>
    UpToDate,
    /// <summary>The image was built now.</summary>
    Built,
}

/// <summary>Result of <see cref="ImageBuilder.BuildAsync"/>.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Pushed">Whether an image was pushed now.</param>
/// <param name="Record">The record saved to the image store.</param>
/// <param name="Message">One line for the user.</param>
public sealed record ImageBuildResult(ImageBuildOutcome Outcome, bool Pushed, ImageRecord Record, string Message);
