using System.Reflection;
using MlPipelines.Core.Errors;

namespace MlPipelines.Rendering;

/// <summary>
/// Finds templates, for scoring images and Kubernetes manifests alike: a file under the user's templates folder (a
/// project's <c>templates/</c>) wins over the built-in one embedded from the repository's <c>templates/</c>.
/// </summary>
/// <param name="userDirectory">Folder whose files override the built-in templates by relative path, or null.</param>
public sealed class TemplateSource(string? userDirectory)
{
    private const string Prefix = "templates/";
    private static readonly Assembly Own = typeof(TemplateSource).Assembly;

    /// <summary>Text of the template at <paramref name="relativePath"/> (e.g. <c>scoring/dotnet/Dockerfile.hbs</c>) and
    /// where it came from (<c>user</c> or <c>built-in</c>); NotFound listing the built-in templates when there is none.</summary>
    public (string Text, string Origin) Load(string relativePath)
    {
        if (userDirectory is not null)
        {
            var user = Path.Combine(userDirectory, relativePath);
            if (File.Exists(user)) return (File.ReadAllText(user), "user");
        }
        using var stream = Own.GetManifestResourceStream(Prefix + relativePath)
            ?? throw MlpException.NotFound("template", relativePath, BuiltIn());
        using var reader = new StreamReader(stream);
        return (reader.ReadToEnd(), "built-in");
    }

    /// <summary>Relative paths of the partials in <paramref name="folder"/>, built-in and user ones.</summary>
    public IEnumerable<string> Partials(string folder)
    {
        var names = BuiltIn().Where(n => n.StartsWith(folder + "/", StringComparison.Ordinal)).ToHashSet();
        var user = userDirectory is null ? null : Path.Combine(userDirectory, folder);
        if (user is not null && Directory.Exists(user))
            foreach (var f in Directory.EnumerateFiles(user, "*.hbs")) names.Add(folder + "/" + Path.GetFileName(f));
        return names.Order(StringComparer.Ordinal);
    }

    private static IEnumerable<string> BuiltIn() =>
        Own.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Select(n => n[Prefix.Length..].Replace('\\', '/'));
}
