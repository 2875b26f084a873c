using System.Text;
using HandlebarsDotNet;
using MlPipelines.Core.Environments;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Files;
using MlPipelines.Core.Hashing;

namespace MlPipelines.Rendering;

/// <summary>What to render: an environment's definition and where its relative paths start.</summary>
public sealed record EnvironmentRenderRequest
{
    /// <summary>Environment name.</summary>
    public required string Name { get; init; }
    /// <summary>curated, system-managed or user-managed.</summary>
    public required string Kind { get; init; }
    /// <summary>The definition's fields (see <see cref="EnvironmentSpec"/>).</summary>
    public required IReadOnlyDictionary<string, string> Definition { get; init; }
    /// <summary>The folder relative Dockerfile, context and conda paths are resolved in (the pipeline's working folder); they must stay inside it.</summary>
    public required string BaseDirectory { get; init; }
    /// <summary>A folder whose <c>environments/Dockerfile.hbs</c> overrides the built-in template.</summary>
    public string? TemplatesDirectory { get; init; }
    /// <summary>The base image to use instead of the definition's (a mirror, or an offline stand-in), or null.</summary>
    public string? BaseImageOverride { get; init; }
}

/// <summary>A file of an environment's build context: rendered text, or a file to copy.</summary>
/// <param name="RelativePath">Path in the context (forward slashes).</param>
/// <param name="Text">Rendered content, or null.</param>
/// <param name="SourcePath">File to copy, or null.</param>
/// <param name="Hash">SHA-256 of the content.</param>
public sealed record EnvironmentContextFile(string RelativePath, string? Text, string? SourcePath, string Hash);

/// <summary>An environment version: its hash, the image it runs as, and (unless it is an image reference) its build context.</summary>
public sealed record EnvironmentContext
{
    /// <summary>SHA-256 over name, kind, fields, the base image used and every context file: the version.</summary>
    public required string Version { get; init; }
    /// <summary>The image: <c>mlp-env/NAME:VERSION12</c>, or the referenced image of a user-managed image environment.</summary>
    public required string Image { get; init; }
    /// <summary>False for an image reference (nothing to build).</summary>
    public required bool NeedsBuild { get; init; }
    /// <summary>The base image the Dockerfile starts from (managed kinds), else null.</summary>
    public string? BaseImage { get; init; }
    /// <summary>The context's files, sorted.</summary>
    public IReadOnlyList<EnvironmentContextFile> Files { get; init; } = [];
    /// <summary>Links skipped while reading a user's build context.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>
/// Turns an environment definition into its build context (Dockerfile from <c>templates/environments</c> for managed
/// kinds, the user's Dockerfile and context folder for user-managed ones) and its version hash. Pure: it reads
/// templates and files, and writes only into the folder <see cref="WriteTo"/> is given.
/// </summary>
public static class EnvironmentContextRenderer
{
    /// <summary>Relative path (under templates/) of the managed environments' Dockerfile template.</summary>
    public const string Template = "environments/Dockerfile.hbs";

    /// <summary>Renders the context in memory and hashes it.</summary>
    public static EnvironmentContext Render(EnvironmentRenderRequest request)
    {
        var def = EnvironmentSpec.Validate(request.Name, request.Kind, request.Definition);
        if (request.Kind == EnvironmentSpec.UserManaged && def.TryGetValue("image", out var image))
            return new EnvironmentContext { Version = EnvironmentSpec.DefinitionHash(request.Kind, def), Image = image, NeedsBuild = false };

        var files = new List<EnvironmentContextFile>();
        var warnings = new List<string>();
        string? baseImage = null;
        if (request.Kind == EnvironmentSpec.UserManaged)
        {
            var dockerfile = Inside(request, "dockerfile", def["dockerfile"]);
            if (!File.Exists(dockerfile)) throw MlpException.Invalid($"Environment '{request.Name}': Dockerfile '{def["dockerfile"]}' does not exist (resolved to '{dockerfile}').");
            var context = def.TryGetValue("context", out var c) ? Inside(request, "context", c) : Path.GetDirectoryName(dockerfile)!;
            if (!Directory.Exists(context)) throw MlpException.Invalid($"Environment '{request.Name}': build context '{def.GetValueOrDefault("context")}' is not a folder.");
            var walk = FolderWalker.Walk(context, (rel, isDir) => !(isDir && rel.Split('/')[^1] is ".git" or ".mlp" or "bin" or "obj"));
            warnings.AddRange(walk.Warnings);
            files.AddRange(walk.Files.Where(f => f.RelativePath != "Dockerfile").Select(f => new EnvironmentContextFile(f.RelativePath, null, f.FullPath, ContentHash.OfFile(f.FullPath))));
            var text = File.ReadAllText(dockerfile);
            files.Add(Text("Dockerfile", text));
        }
        else
        {
            baseImage = request.BaseImageOverride ?? def["base"];
            var conda = def.TryGetValue("conda", out var cf) ? Inside(request, "conda", cf) : null;
            if (conda is not null && !File.Exists(conda)) throw MlpException.Invalid($"Environment '{request.Name}': conda file '{cf}' does not exist (resolved to '{conda}').");
            files.Add(Text("Dockerfile", Dockerfile(request, def, baseImage, conda is not null)));
            if (conda is not null) files.Add(new EnvironmentContextFile("conda.yml", null, conda, ContentHash.OfFile(conda)));
        }
        files.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        var version = ContentHash.OfParts(new[]
            {
                KeyValuePair.Create("name", request.Name),
                KeyValuePair.Create("kind", request.Kind),
                KeyValuePair.Create("definition", EnvironmentSpec.DefinitionHash(request.Kind, def)),
                KeyValuePair.Create("base", baseImage ?? ""),
            }.Concat(files.Select(f => KeyValuePair.Create("file:" + f.RelativePath, f.Hash))));
        return new EnvironmentContext
        {
            Version = version, Image = $"mlp-env/{request.Name.ToLowerInvariant()}:{version[..12]}", NeedsBuild = true,
            BaseImage = baseImage, Files = files, Warnings = warnings,
        };
    }

    /// <summary>Writes the context's files into <paramref name="directory"/> (created empty).</summary>
    public static void WriteTo(EnvironmentContext context, string directory)
    {
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        Directory.CreateDirectory(directory);
        foreach (var f in context.Files)
        {
            var target = Path.Combine(directory, f.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (f.Text is not null) File.WriteAllText(target, f.Text, new UTF8Encoding(false));
            else File.Copy(f.SourcePath!, target);
        }
    }

    private static EnvironmentContextFile Text(string path, string text) => new(path, text, null, ContentHash.OfText(text));

    private static string Dockerfile(EnvironmentRenderRequest request, IReadOnlyDictionary<string, string> def, string baseImage, bool conda)
    {
        var hb = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true });
        var template = new TemplateSource(request.TemplatesDirectory).Load(Template).Text;
        return hb.Compile(template)(new
        {
            name = request.Name,
            kind = request.Kind,
            @base = baseImage,
            apt = EnvironmentSpec.Split(def.GetValueOrDefault("apt")),
            pip = EnvironmentSpec.Split(def.GetValueOrDefault("pip")),
            conda,
            variables = EnvironmentSpec.Split(def.GetValueOrDefault("variables")).Select(v => v.Split('=', 2))
                .Select(kv => new { name = kv[0], value = DockerQuoted(kv[1]) }).ToList(),
        });
    }

    /// <summary>A value as a Dockerfile double-quoted word: '\\', '"' and '$' escaped, so it is taken literally.</summary>
    private static string DockerQuoted(string value) =>
        "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("$", "\\$") + "\"";

    /// <summary>A definition path resolved under the base folder; '..' or an absolute path leaving it is refused.</summary>
    private static string Inside(EnvironmentRenderRequest request, string field, string path)
    {
        var root = Path.GetFullPath(request.BaseDirectory);
        var full = Path.GetFullPath(path, root);
        if (full != root && !full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw MlpException.Invalid($"Environment '{request.Name}': {field} '{path}' is outside the working folder '{root}'; build files must be inside it.");
        if (!File.Exists(full) && !Directory.Exists(full)) return full; // the caller says it is missing
        // A link in the working folder may point anywhere: follow it only when it stays inside.
        return FolderWalker.Contain(root, full, path, out var warning)
            ?? throw MlpException.Invalid($"Environment '{request.Name}': {field}: {warning}");
    }
}
