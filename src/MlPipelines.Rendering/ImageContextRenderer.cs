using System.Text;
using System.Text.Json;
using HandlebarsDotNet;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Hashing;
using MlPipelines.Core.Naming;

namespace MlPipelines.Rendering;

/// <summary>
/// Turns a model + scorer + published scoring host into a Docker build context. Pure: it reads templates and files and
/// writes the context folder; it runs nothing. The context hash (and so the tag) depends only on the context's files,
/// so an unchanged model re-renders to the same tag.
/// </summary>
public static class ImageContextRenderer
{
    /// <summary>File name of the scoring host assembly expected in <see cref="ImageContextRequest.HostDirectory"/>.</summary>
    public const string HostAssembly = "MlPipelines.Serving.dll";

    /// <summary>Relative path (under templates/) of the Dockerfile template for a scorer kind.</summary>
    public static string DockerfileTemplate(ImageScorerKind kind) =>
        kind == ImageScorerKind.Python ? "scoring/python/Dockerfile.hbs" : "scoring/dotnet/Dockerfile.hbs";

    /// <summary>Renders the text files of the context (Dockerfile, .dockerignore, image.json) without touching the disk
    /// beyond reading templates.</summary>
    public static IReadOnlyDictionary<string, string> RenderText(ImageContextRequest request)
    {
        Validate(request, checkFiles: false);
        var templates = new TemplateSource(request.UserTemplatesDirectory);
        var hb = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true });
        foreach (var partial in templates.Partials("scoring/partials"))
            hb.RegisterTemplate(Path.GetFileNameWithoutExtension(partial), templates.Load(partial).Text);

        var dockerfileTemplate = DockerfileTemplate(request.Scorer);
        var dockerfileText = templates.Load(dockerfileTemplate).Text;
        var ignoreText = templates.Load("scoring/.dockerignore.hbs").Text;
        var data = TemplateData(request, dockerfileTemplate);
        return new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["Dockerfile"] = hb.Compile(dockerfileText)(data),
            [".dockerignore"] = hb.Compile(ignoreText)(data),
            // No template origin ("user"/"built-in") or path here: the rendered files are the content, so the same text renders
            // the same tag whether it came from the built-in set or from a ./templates folder (or another working directory).
            ["image.json"] = ImageJson(request),
        };
    }

    /// <summary>Renders the complete build context into <paramref name="outputDirectory"/> (replacing an earlier
    /// context there) and returns its content hash and tag.</summary>
    public static RenderedImageContext RenderImageContext(ImageContextRequest request, string outputDirectory)
    {
        Validate(request, checkFiles: true);
        var text = RenderText(request);
        var output = Path.GetFullPath(outputDirectory);
        PrepareOutput(output);

        foreach (var (name, content) in text) File.WriteAllText(Path.Combine(output, name), content, new UTF8Encoding(false));
        if (request.SignatureJson is not null) File.WriteAllText(Path.Combine(output, "signature.json"), request.SignatureJson, new UTF8Encoding(false));
        if (request.RequirementsFile is not null) File.Copy(request.RequirementsFile, Path.Combine(output, "requirements.txt"));
        ContextFiles.CopyTree(request.HostDirectory, Path.Combine(output, "host"));
        ContextFiles.CopyTree(Path.GetDirectoryName(Path.GetFullPath(request.ScorerPath))!, Path.Combine(output, "scorer"));
        var modelDir = Directory.CreateDirectory(Path.Combine(output, "model")).FullName;
        foreach (var file in request.ModelFiles)
        {
            var target = ArtifactPaths.ResolveUnder(modelDir, "model file", file.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file.SourcePath, target, overwrite: true);
        }
        request.MaterializeModel?.Invoke(modelDir);

        var files = ContextFiles.HashAll(output);
        var hash = ContentHash.OfParts(files);
        var repository = request.EffectiveRepository;
        return new RenderedImageContext
        {
            Directory = output, ContextHash = hash, Tag = $"{repository}:{hash[..12]}", Repository = repository,
            BaseImage = request.EffectiveBaseImage, ModelName = request.ModelName, ModelVersion = request.ModelVersion, Files = files,
        };
    }

    private static Dictionary<string, object?> TemplateData(ImageContextRequest r, string template) => new()
    {
        ["model"] = new Dictionary<string, object?> { ["name"] = r.ModelName, ["version"] = r.ModelVersion, ["hash"] = r.ModelHash ?? "" },
        ["scorer"] = new Dictionary<string, object?>
        {
            ["kind"] = Kind(r.Scorer), ["entry"] = Path.GetFileName(r.ScorerPath), ["type"] = r.ScorerType,
        },
        ["baseImage"] = r.EffectiveBaseImage,
        ["dotnetRuntimeImage"] = r.DotnetRuntimeImage,
        ["port"] = r.Port,
        ["workers"] = r.Workers,
        ["hostAssembly"] = HostAssembly,
        ["hasSignature"] = r.SignatureJson is not null,
        ["hasRequirements"] = r.RequirementsFile is not null,
        ["labels"] = r.Labels.OrderBy(l => l.Key, StringComparer.Ordinal)
            .Select(l => new Dictionary<string, object?> { ["key"] = l.Key, ["value"] = l.Value }).ToList(),
        ["template"] = template,
    };

    private static string ImageJson(ImageContextRequest r)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("schema", "mlp.image/v1");
            w.WriteStartObject("model");
            w.WriteString("name", r.ModelName);
            w.WriteNumber("version", r.ModelVersion);
            if (r.ModelHash is null) w.WriteNull("hash"); else w.WriteString("hash", r.ModelHash);
            w.WriteEndObject();
            w.WriteStartObject("scorer");
            w.WriteString("kind", Kind(r.Scorer));
            w.WriteString("entry", "scorer/" + Path.GetFileName(r.ScorerPath));
            if (r.ScorerType is null) w.WriteNull("type"); else w.WriteString("type", r.ScorerType);
            if (r.Scorer == ImageScorerKind.Python) w.WriteNumber("workers", r.Workers);
            w.WriteEndObject();
            w.WriteString("repository", r.EffectiveRepository);
            w.WriteString("baseImage", r.EffectiveBaseImage);
            if (r.Scorer == ImageScorerKind.Python) w.WriteString("dotnetRuntimeImage", r.DotnetRuntimeImage);
            w.WriteString("host", "host/" + HostAssembly);
            w.WriteNumber("port", r.Port);
            w.WriteBoolean("signature", r.SignatureJson is not null);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static string Kind(ImageScorerKind k) => k == ImageScorerKind.Python ? "python" : "dotnet";

    private static void Validate(ImageContextRequest r, bool checkFiles)
    {
        Names.Validate("model", r.ModelName);
        if (r.ModelVersion < 1) throw MlpException.Invalid($"Model '{r.ModelName}' version {r.ModelVersion} is invalid; expected a positive integer.");
        var expected = r.Scorer == ImageScorerKind.Python ? ".py" : ".dll";
        if (!r.ScorerPath.EndsWith(expected, StringComparison.OrdinalIgnoreCase))
            throw MlpException.Invalid($"The {Kind(r.Scorer)} scorer '{r.ScorerPath}' should be a '{expected}' file.");
        if (r.Port is < 1 or > 65535) throw MlpException.Invalid($"Port {r.Port} is invalid; expected 1–65535.");
        if (r.Workers < 1) throw MlpException.Invalid($"Workers {r.Workers} is invalid; expected at least 1.");
        if (!checkFiles) return;
        if (!File.Exists(r.ScorerPath)) throw MlpException.Invalid($"The scorer file '{r.ScorerPath}' does not exist.");
        if (!File.Exists(Path.Combine(r.HostDirectory, HostAssembly)))
            throw MlpException.Invalid($"The scoring host folder '{r.HostDirectory}' has no {HostAssembly}; expected the published MlPipelines.Serving output.");
        if (r.RequirementsFile is not null && !File.Exists(r.RequirementsFile))
            throw MlpException.Invalid($"The requirements file '{r.RequirementsFile}' does not exist.");
        foreach (var f in r.ModelFiles.Where(f => !File.Exists(f.SourcePath)))
            throw MlpException.Invalid($"Model file '{f.RelativePath}' of '{r.ModelName}' is missing at '{f.SourcePath}'.");
    }

    private static void PrepareOutput(string output)
    {
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            if (!File.Exists(Path.Combine(output, "image.json")))
                throw MlpException.Conflict($"The output folder '{output}' is not empty and holds no image context (no image.json); choose an empty folder.");
            Directory.Delete(output, recursive: true);
        }
        Directory.CreateDirectory(output);
    }
}
