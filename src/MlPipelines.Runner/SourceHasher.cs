using MlPipelines.Core.Caching;
using MlPipelines.Core.Files;
using MlPipelines.Core.Hashing;
using MlPipelines.Runner.Caching;

namespace MlPipelines.Runner;

/// <summary>
/// Hash of a source folder (the "code" part of step cache keys): SHA-256 over the sorted relative paths and content
/// hashes of its files. Unchanged files are not re-read (file-hash index). Links follow the <see cref="FolderWalker"/>
/// rule: one resolving inside the folder counts as that file, any other is skipped with a warning.
/// </summary>
public static class SourceHasher
{
    private static readonly HashSet<string> SkippedFolders = new(StringComparer.Ordinal) { "bin", "obj", ".git", ".mlp", ".vs", ".idea", "node_modules", "artifacts" };

    /// <summary>
    /// Hashes <paramref name="directory"/>: the files of <paramref name="walk"/> (e.g. those not matched by
    /// .gitignore/.mlpignore), or when null every file outside build and tool folders. Files in <paramref name="exclude"/>
    /// (e.g. data inputs, hashed as inputs) and <c>*.plan.json</c> are left out. With <paramref name="remember"/> false
    /// the file-hash index is only read. Each skipped link goes to <paramref name="warn"/>.
    /// </summary>
    public static string Hash(IFileHashIndex index, string directory, IEnumerable<string>? exclude = null, bool remember = true,
        FolderWalk? walk = null, Action<string>? warn = null)
    {
        var root = Path.GetFullPath(directory);
        walk ??= FolderWalker.Walk(root, include: (rel, isDir) => !(isDir && SkippedFolders.Contains(Path.GetFileName(rel))));
        foreach (var w in walk.Warnings) warn?.Invoke(w);
        var excluded = (exclude ?? []).SelectMany(e => new[] { Path.GetFullPath(e), FolderWalker.RealPath(e) }).OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        var hashing = new FileHashing(index, remember);
        var parts = walk.Files
            .Where(f => !f.RelativePath.EndsWith(".plan.json", StringComparison.Ordinal)
                        && !IsExcluded(excluded, Path.Combine(root, f.RelativePath)) && !IsExcluded(excluded, f.FullPath))
            .Select(f => KeyValuePair.Create(f.RelativePath, hashing.HashFile(new FileInfo(f.FullPath))));
        return ContentHash.OfParts(parts);
    }

    private static bool IsExcluded(HashSet<string> excluded, string path) =>
        excluded.Contains(path) || excluded.Any(e => path.StartsWith(e + Path.DirectorySeparatorChar, StringComparison.Ordinal));
}
