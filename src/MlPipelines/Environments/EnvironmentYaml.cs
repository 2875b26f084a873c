using MlPipelines.Core.Environments;
using MlPipelines.Core.Errors;
using MlPipelines.Yaml;

namespace MlPipelines.Environments;

/// <summary>An environment read from a file: its name, kind and definition fields.</summary>
public sealed record EnvironmentFile(string Name, string Kind, IReadOnlyDictionary<string, string> Definition);

/// <summary>
/// Environment definitions from a YAML file shaped like Azure ML's environment YAML: <c>image</c> alone (user-managed,
/// run as it is), <c>image</c> with <c>conda_file</c> (system-managed on that base), or <c>build.path</c> with
/// <c>build.dockerfile_path</c> (user-managed); MlPipelines adds <c>pip</c>, <c>apt</c> and <c>variables</c> to the
/// system-managed form. Paths are relative to the file and must lie inside the working folder, the
/// folder steps run in; they are stored relative to it. Any other field is an error that lists them.
/// </summary>
public static class EnvironmentYaml
{
    private static readonly string[] Supported = ["$schema", "name", "image", "conda_file", "build", "pip", "apt", "variables"];

    /// <summary>Reads the file; <paramref name="name"/> (from the command line) wins over the file's <c>name</c>.</summary>
    public static EnvironmentFile Read(string path, string workingDirectory, string? name = null)
    {
        var yaml = YamlMapping.Read(path, "environment");
        yaml.RefuseOthers("environment", Supported);
        var folder = Path.GetDirectoryName(yaml.Path)!;
        var envName = name ?? yaml.Text("name") ?? throw MlpException.Invalid($"The environment file '{path}' has no 'name' (or give NAME on the command line).");
        string Relative(string field, string value)
        {
            var full = Path.GetFullPath(value, folder);
            var root = Path.GetFullPath(workingDirectory);
            var rel = Path.GetRelativePath(root, full);
            if (rel == ".." || rel.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(rel))
                throw MlpException.Invalid($"The environment file '{path}': {field} '{value}' is outside the working folder '{root}'; steps build from files inside it.");
            return rel.Replace('\\', '/');
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        string kind;
        if (yaml.Mapping("build") is { } build)
        {
            var b = build.Children.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString(), StringComparer.Ordinal);
            var unknown = b.Keys.Where(k => k is not ("path" or "dockerfile_path")).ToList();
            if (unknown.Count > 0) throw MlpException.Invalid($"The environment file '{path}': build has unsupported field {string.Join(", ", unknown.Select(u => $"'{u}'"))}; supported: 'path', 'dockerfile_path'.");
            if (yaml.Text("image") is not null || yaml.Text("conda_file") is not null || yaml.Flat("pip") is not null || yaml.Flat("apt") is not null)
                throw MlpException.Invalid($"The environment file '{path}' gives 'build' and also an image or packages; a Dockerfile build is complete on its own.");
            var context = b.GetValueOrDefault("path") ?? throw MlpException.Invalid($"The environment file '{path}': build needs 'path' (the build context folder).");
            kind = EnvironmentSpec.UserManaged;
            fields["context"] = Relative("build.path", context);
            fields["dockerfile"] = Relative("build.dockerfile_path", Path.Combine(Path.GetFullPath(context, folder), b.GetValueOrDefault("dockerfile_path") ?? "Dockerfile"));
        }
        else
        {
            var image = yaml.Text("image") ?? throw MlpException.Invalid($"The environment file '{path}' needs 'image' or 'build'.");
            var managed = new (string Yaml, string Field)[] { ("conda_file", "conda"), ("pip", "pip"), ("apt", "apt"), ("variables", "variables") };
            foreach (var (y, f) in managed)
                if (yaml.Flat(y) is { } v) fields[f] = y == "conda_file" ? Relative("conda_file", v) : v;
            kind = fields.Count > 0 ? EnvironmentSpec.SystemManaged : EnvironmentSpec.UserManaged;
            fields[kind == EnvironmentSpec.UserManaged ? "image" : "base"] = image;
        }
        Core.Naming.Names.Validate("environment", envName);
        return new EnvironmentFile(envName, kind, EnvironmentSpec.Validate(envName, kind, fields));
    }
}
