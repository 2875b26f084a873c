using MlPipelines.Containers;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Registry;
using MlPipelines.Core.Workspaces;
using MlPipelines.Endpoints.Services;
using MlPipelines.Endpoints.Targets;
using MlPipelines.Rendering;

namespace MlPipelines.Images;

/// <summary>
/// Turns a registered model into a scoring image: resolves the version, materialises its files, finds the scorer,
/// chooses the base image (option, then workspace setting, then default), renders the build context and — when a
/// Docker engine answers at DOCKER_HOST — builds it (tag = context hash, so an unchanged model is not rebuilt), pushes it
/// when asked and records it in the workspace. Without an engine the rendered context is recorded and reported; an image already recorded as built or pushed
/// keeps that record.
/// </summary>
public sealed class ImageService(IWorkspace workspace, DockerEndpoint? engine = null)
{
    /// <summary>Workspace setting naming the base image of .NET-scorer images.</summary>
    public const string DotnetBaseSetting = "image.dotnet.base";
    /// <summary>Workspace setting naming the base image of score.py images.</summary>
    public const string PythonBaseSetting = "image.python.base";

    /// <summary>
    /// A base image from the environment (<c>MLP_IMAGE_DOTNET_BASE</c> / <c>MLP_IMAGE_PYTHON_BASE</c>, e.g. a mirror on a
    /// machine that cannot pull from the internet), else the workspace setting, else null (the template default).
    /// </summary>
    private string? Configured(IReadOnlyDictionary<string, string> settings, string setting)
    {
        var variable = setting == PythonBaseSetting ? "MLP_IMAGE_PYTHON_BASE" : "MLP_IMAGE_DOTNET_BASE";
        return EnvironmentVariables(variable) is { Length: > 0 } fromEnv ? fromEnv : settings.GetValueOrDefault(setting);
    }

    /// <summary>Reads environment variables (the process environment by default; tests pass their own).</summary>
    public Func<string, string?> EnvironmentVariables { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Renders the build context of <paramref name="model"/> (no engine involved, nothing recorded).</summary>
    public RenderedImageContext Render(ModelRef model, ImageOptions? options = null)
    {
        options ??= new ImageOptions();
        var version = workspace.Models.Get(model);
        var work = Directory.CreateDirectory(Path.Combine(workspace.ScratchDirectory, "images", ".work-" + Guid.NewGuid().ToString("N")[..12])).FullName;
        try
        {
            var modelDir = Path.Combine(work, "model");
            workspace.Models.Download(new ModelRef(version.Name, version.Version, null), modelDir);
            var scorer = ScorerResolver.Resolve(modelDir, version);
            var hostDir = Path.Combine(work, "host");
            ServingHostFiles.Stage(options.HostAssembly ?? ServingHostLaunch.LocateHost(), hostDir);
            var request = Request(version, modelDir, scorer, hostDir, options);
            if (options.OutputDirectory is { } output) return ImageContextRenderer.RenderImageContext(request, output);

            var rendered = ImageContextRenderer.RenderImageContext(request, Path.Combine(work, "context"));
            return rendered with { Directory = Publish(rendered) };
        }
        finally
        {
            TryDelete(work);
        }
    }

    /// <summary>Renders, then builds and pushes when an engine is reachable; records the image either way.</summary>
    public async Task<ImageResult> BuildAsync(ModelRef model, ImageOptions? options = null, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new ImageOptions();
        if (options.PushRepository is { } repo) ImageReference.ParseRepository(repo); // bad names fail before any work
        var context = Render(model, options);
        progress?.Invoke($"rendered {context.ModelName}:{context.ModelVersion} into {context.Directory} (tag {context.Tag}, base {context.BaseImage})");
        using var client = new DockerEngineClient(engine ?? DockerEndpoint.FromEnvironment());
        if (workspace.Images.Find(context.ContextHash) is { State: "built" or "pushed" } known
            && await client.PingAsync(cancellationToken: cancellationToken).ConfigureAwait(false) is { Ok: false } down)
        {
            // Same content, already built (here or on another machine): no engine now is no reason to forget that.
            return new ImageResult(context, ImageBuildOutcome.Rendered, false, known,
                $"image context ready at {context.Directory}; no Docker engine at DOCKER_HOST ({client.Endpoint.Address}: {down.Problem}); " +
                $"'{known.Tag}' stays recorded as {known.State}");
        }
        var builder = new ImageBuilder(client, workspace.Images);
        try
        {
            var result = await builder.BuildAsync(new ImageBuildRequest
            {
                ContextDirectory = context.Directory, ContextHash = context.ContextHash, Tag = context.Tag, Model = context.ModelName,
                ModelVersion = context.ModelVersion, BaseImage = context.BaseImage, PushRepository = options.PushRepository, Credentials = options.Credentials,
            }, progress, cancellationToken).ConfigureAwait(false);
            return new ImageResult(context, result.Outcome, result.Pushed, result.Record, result.Message);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw MlpException.Failed($"Building image '{context.Tag}' failed talking to the Docker engine at {client.Endpoint.Address}: {e.Message}", e);
        }
    }

    private ImageContextRequest Request(ModelVersion version, string modelDir, ScorerSpec scorer, string hostDir, ImageOptions options)
    {
        var python = scorer.Kind == "python";
        var settings = workspace.Settings;
        var requirements = python ? Path.Combine(Path.GetDirectoryName(scorer.Path)!, "requirements.txt") : null;
        return new ImageContextRequest
        {
            ModelName = version.Name,
            ModelVersion = version.Version,
            ModelHash = version.Hash,
            MaterializeModel = dir => CopyModel(modelDir, dir),
            Scorer = python ? ImageScorerKind.Python : ImageScorerKind.Dotnet,
            ScorerPath = scorer.Path,
            ScorerType = scorer.TypeName,
            RequirementsFile = requirements is not null && File.Exists(requirements) ? requirements : null,
            BaseImage = options.BaseImage ?? Configured(settings, python ? PythonBaseSetting : DotnetBaseSetting),
            DotnetRuntimeImage = Configured(settings, DotnetBaseSetting) ?? ImageContextRequest.DefaultDotnetBaseImage,
            HostDirectory = hostDir,
            UserTemplatesDirectory = options.TemplatesDirectory is { } t ? Path.GetFullPath(t) : null,
            SignatureJson = version.SignatureJson,
        };
    }

    private static void CopyModel(string source, string destination)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    /// <summary>Moves a freshly rendered context to <c>SCRATCH/images/HASH12</c>; an existing one of the same hash is kept.</summary>
    private string Publish(RenderedImageContext rendered)
    {
        var final = Path.Combine(workspace.ScratchDirectory, "images", rendered.ShortHash);
        if (Directory.Exists(final) && File.Exists(Path.Combine(final, "image.json"))) return final;
        TryDelete(final);
        try
        {
            Directory.Move(rendered.Directory, final);
        }
        catch (IOException) when (File.Exists(Path.Combine(final, "image.json")))
        {
            // rendered concurrently by another process: same hash, same files
        }
        return final;
    }

    private static void TryDelete(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
