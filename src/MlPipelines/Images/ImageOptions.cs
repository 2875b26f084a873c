using MlPipelines.Containers;
using MlPipelines.Core.Images;
using MlPipelines.Rendering;

namespace MlPipelines.Images;

/// <summary>How <see cref="ImageService"/> renders and builds the image of a model.</summary>
public sealed record ImageOptions
{
    /// <summary>Base image; null uses <c>$MLP_IMAGE_DOTNET_BASE</c> / <c>$MLP_IMAGE_PYTHON_BASE</c>, then the workspace setting <c>image.dotnet.base</c> / <c>image.python.base</c>, then the default.</summary>
    public string? BaseImage { get; init; }
    /// <summary>Folder to render the context into; null uses <c>SCRATCH/images/HASH</c> of the workspace.</summary>
    public string? OutputDirectory { get; init; }
    /// <summary>A <c>templates/</c> folder whose files override the built-in templates; null uses none.</summary>
    public string? TemplatesDirectory { get; init; }
    /// <summary>Repository to push to after building, e.g. <c>localhost:5000/iris</c>; null builds only.</summary>
    public string? PushRepository { get; init; }
    /// <summary>Registry credentials; null reads the Docker config file.</summary>
    public RegistryCredentials? Credentials { get; init; }
    /// <summary>The published scoring host (<c>MlPipelines.Serving.dll</c>); null locates it like local deployments do.</summary>
    public string? HostAssembly { get; init; }
}

/// <summary>What <see cref="ImageService.BuildAsync"/> did.</summary>
/// <param name="Context">The rendered build context.</param>
/// <param name="Outcome">Rendered only (no engine), up to date, or built.</param>
/// <param name="Pushed">Whether an image was pushed now.</param>
/// <param name="Record">The record saved to the workspace's image store.</param>
/// <param name="Message">One line for the user.</param>
public sealed record ImageResult(RenderedImageContext Context, ImageBuildOutcome Outcome, bool Pushed, ImageRecord Record, string Message);
