using MlPipelines.Core.Caching;
using MlPipelines.Core.Hashing;
using MlPipelines.Runner.Caching;

namespace MlPipelines.Runner;

/// <summary>
/// Hash of a source folder (the "code" part of step cache keys): SHA-256 over the sorted relative paths and content
/// hashes of its files. Unchanged files are not re-read (file-hash index).
/// </summary>
public static class SourceHasher
{
    private static readonly HashSet<string> SkippedFolders = new(StringComparer.Ordinal) { "bin", "obj", ".git", ".mlp", ".vs", ".idea", "node_modules", "artifacts" };

    /// <summary>
    /// Hashes <paramref name="directory"/>: the given <paramref name="files"/> (full paths, e.g. those not matched by
    /// .gitignore/.mlpignore), or when null every file outside build and tool folders. Files in <paramref name="exclude"/>
    /// (e.g. data inputs, hashed as inputs) and <c>*.plan.json</c> are left out. With <paramref name="remember"/> false
    /// the file-hash index is only read.
    /// </summary>
    public static string Hash(IFileHashIndex index, string directory, IEnumerable<string>? exclude = null, bool remember = true, IEnumerable<string>? files = null)
    {
        var root = Path.GetFullPath(directory);
        var excluded = new HashSet<string>((exclude ?? []).Select(Path.GetFullPath), StringComparer.Ordinal);
        var hashing = new FileHashing(index, remember);
        var parts = (files ?? Enumerate(root))
            .Where(f => !excluded.Contains(f) && !excluded.Any(e => f.StartsWith(e + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                        && !f.EndsWith(".plan.json", StringComparison.Ordinal))
            .Select(f => (Rel: Path.GetRelativePath(root, f).Replace('\\', '/'), Full: f))
            .OrderBy(x => x.Rel, StringComparer.Ordinal)
            .Select(x => KeyValuePair.Create(x.Rel, hashing.HashFile(new FileInfo(x.Full))));
        return ContentHash.OfParts(parts);
    }

    private static IEnumerable<string> Enumerate(string dir)
    {
        foreach (var f in Directory.EnumerateFiles(dir)) yield return f;
        foreach (var d in Directory.EnumerateDirectories(dir))
        {
            if (SkippedFolders.Contains(Path.GetFileName(d))) continue;
            foreach (var f in Enumerate(d)) yield return f;
        }
    }
}
