namespace MlPipelines.Rendering;

/// <summary>How the image scores requests.</summary>
public enum ImageScorerKind
{
    /// <summary>A .NET <c>IScorer</c> assembly.</summary>
    Dotnet,
    /// <summary>An Azure ML style <c>score.py</c>.</summary>
    Python,
}

/// <summary>One model file to put into the build context's <c>model/</c> folder.</summary>
/// <param name="RelativePath">Path inside the model, e.g. <c>model.json</c>.</param>
/// <param name="SourcePath">Where the file is now.</param>
public sealed record ImageModelFile(string RelativePath, string SourcePath);

/// <summary>Everything needed to render the build context of a scoring image.</summary>
public sealed record ImageContextRequest
{
    /// <summary>Default base image of .NET-scorer images.</summary>
    public const string DefaultDotnetBaseImage = "mcr.microsoft.com/dotnet/aspnet:10.0";
    /// <summary>Default base image of score.py images.</summary>
    public const string DefaultPythonBaseImage = "python:3.11-slim";

    /// <summary>Registered model name.</summary>
    public required string ModelName { get; init; }
    /// <summary>Registered model version.</summary>
    public required int ModelVersion { get; init; }
    /// <summary>Content hash of the model version (labels and image.json).</summary>
    public string? ModelHash { get; init; }
    /// <summary>Model files copied into <c>model/</c>.</summary>
    public IReadOnlyList<ImageModelFile> ModelFiles { get; init; } = [];
    /// <summary>Alternatively or additionally, a callback that writes model files into the given folder (e.g. from the artifact store).</summary>
    public Action<string>? MaterializeModel { get; init; }
    /// <summary>Scorer kind.</summary>
    public required ImageScorerKind Scorer { get; init; }
    /// <summary>The scorer assembly (.dll) or score.py; the whole folder holding it is copied into <c>scorer/</c>.</summary>
    public required string ScorerPath { get; init; }
    /// <summary>Full name of the IScorer type when the assembly holds several.</summary>
    public string? ScorerType { get; init; }
    /// <summary>Python: a pip requirements file installed into the image.</summary>
    public string? RequirementsFile { get; init; }
    /// <summary>Base image; null uses <see cref="DefaultDotnetBaseImage"/> or <see cref="DefaultPythonBaseImage"/>.</summary>
    public string? BaseImage { get; init; }
    /// <summary>Python images: the image the .NET runtime is copied from.</summary>
    public string DotnetRuntimeImage { get; init; } = DefaultDotnetBaseImage;
    /// <summary>Folder of the published scoring host (the MlPipelines.Serving build output).</summary>
    public required string HostDirectory { get; init; }
    /// <summary>A project's <c>templates/</c> folder whose files override the built-in templates.</summary>
    public string? UserTemplatesDirectory { get; init; }
    /// <summary>Model signature JSON served at /schema.</summary>
    public string? SignatureJson { get; init; }
    /// <summary>Image repository; null uses <c>mlp/MODEL</c> (lowercase).</summary>
    public string? Repository { get; init; }
    /// <summary>Port the host listens on inside the container.</summary>
    public int Port { get; init; } = 8080;
    /// <summary>Python worker processes.</summary>
    public int Workers { get; init; } = 1;
    /// <summary>Extra image labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The base image after defaults.</summary>
    public string EffectiveBaseImage => BaseImage ?? (Scorer == ImageScorerKind.Python ? DefaultPythonBaseImage : DefaultDotnetBaseImage);

    /// <summary>The repository after defaults.</summary>
    public string EffectiveRepository => Repository ?? "mlp/" + ModelName.ToLowerInvariant();
}
