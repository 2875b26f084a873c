using MlPipelines.Core.Errors;

namespace MlPipelines.Core.Naming;

/// <summary>Validation of relative artifact paths (outputs, images, snapshot entries).</summary>
public static class ArtifactPaths
{
    /// <summary>
    /// Normalises a relative path to forward slashes and rejects absolute paths and any '..' segment,
    /// so an artifact can never escape the folder it belongs to.
    /// </summary>
    public static string Normalize(string what, string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw MlpException.Invalid($"The {what} path is empty; expected a relative path such as 'model/model.json'.");
        var p = path.Replace('\\', '/');
        if (p.StartsWith('/') || Path.IsPathRooted(path) || (p.Length > 1 && p[1] == ':'))
            throw MlpException.Invalid($"The {what} path '{path}' is absolute; expected a path relative to the run's output folder.");
        var parts = p.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        if (parts.Any(s => s == ".."))
            throw MlpException.Invalid($"The {what} path '{path}' contains '..'; paths must stay inside their folder.");
        if (parts.Length == 0) throw MlpException.Invalid($"The {what} path '{path}' names no file.");
        return string.Join('/', parts);
    }

    /// <summary>Resolves a validated relative path under <paramref name="root"/>, double-checking it stays inside.</summary>
    public static string ResolveUnder(string root, string what, string relative)
    {
        var rel = Normalize(what, relative);
        var full = Path.GetFullPath(Path.Combine(root, rel));
        var rootFull = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootFull, StringComparison.Ordinal))
            throw MlpException.Invalid($"The {what} path '{relative}' resolves outside '{root}'.");
        return full;
    }
}
