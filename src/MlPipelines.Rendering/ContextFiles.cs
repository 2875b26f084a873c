using MlPipelines.Core.Hashing;

namespace MlPipelines.Rendering;

/// <summary>Copying and hashing the files of a build context.</summary>
internal static class ContextFiles
{
    private static readonly HashSet<string> SkippedDirectories = new(StringComparer.Ordinal) { "__pycache__", ".git", ".vs", ".idea" };

    public static void CopyTree(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)), overwrite: true);
        foreach (var dir in Directory.EnumerateDirectories(source))
        {
            var name = Path.GetFileName(dir);
            if (!SkippedDirectories.Contains(name)) CopyTree(dir, Path.Combine(destination, name));
        }
    }

    /// <summary>(relative path with '/', SHA-256) of every file under <paramref name="root"/>, sorted by path.</summary>
    public static List<KeyValuePair<string, string>> HashAll(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => new KeyValuePair<string, string>(Path.GetRelativePath(root, f).Replace('\\', '/'), ContentHash.OfFile(f)))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ToList();
}
