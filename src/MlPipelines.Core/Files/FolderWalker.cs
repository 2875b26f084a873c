namespace MlPipelines.Core.Files;

/// <summary>A file found by <see cref="FolderWalker"/>: its path inside the folder (forward slashes) and the real file to read.</summary>
public sealed record WalkedFile(string RelativePath, string FullPath);

/// <summary>The files of a folder and the links that were skipped (one warning each, naming the link and its target).</summary>
public sealed record FolderWalk(IReadOnlyList<WalkedFile> Files, IReadOnlyList<string> Warnings);

/// <summary>
/// The one rule for reading a folder into the workspace (run outputs, step outputs, source snapshots, registered data
/// and models): a symbolic link whose target resolves inside the folder is read as that file (or folder); any other
/// link (out of the folder, dangling, a loop) is skipped with a warning and never followed.
/// </summary>
public static class FolderWalker
{
    private const int MaxLinkHops = 40;

    /// <summary>
    /// Walks <paramref name="root"/> recursively, sorted by relative path. <paramref name="include"/> (relative path,
    /// is-folder) can leave out files and whole folders; <paramref name="entering"/> is called with each folder's
    /// relative path and real path before its entries are looked at.
    /// </summary>
    public static FolderWalk Walk(string root, Func<string, bool, bool>? include = null, Action<string, string>? entering = null)
    {
        var real = RealPath(root) ?? Path.GetFullPath(root);
        var files = new List<WalkedFile>();
        var warnings = new List<string>();
        Visit(real, real, "", [real], include, entering, files, warnings);
        files.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return new FolderWalk(files, warnings);
    }

    /// <summary>
    /// Checks one path that must stay inside <paramref name="root"/>: returns its real path, or null with a
    /// <paramref name="warning"/> when it is a link that leaves the folder, dangles or loops.
    /// </summary>
    public static string? Contain(string root, string path, string display, out string? warning)
    {
        warning = null;
        var rootReal = RealPath(root) ?? Path.GetFullPath(root);
        var target = RealPath(path);
        if (target is not null && IsInside(rootReal, target)) return target;
        warning = Describe(display, path, target, rootReal);
        return null;
    }

    private static void Visit(string rootReal, string dir, string rel, HashSet<string> ancestors, Func<string, bool, bool>? include,
        Action<string, string>? entering, List<WalkedFile> files, List<string> warnings)
    {
        entering?.Invoke(rel, dir);
        foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false })
                     .OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var path = rel.Length == 0 ? entry.Name : rel + "/" + entry.Name;
            var full = entry.FullName;
            // Ignored entries are left out before their links are looked at, so an ignored link never warns.
            if (include is not null && !include(path, Directory.Exists(full))) continue;
            if (entry.LinkTarget is not null)
            {
                var target = RealPath(full);
                if (target is null || !IsInside(rootReal, target) || ancestors.Contains(target))
                {
                    warnings.Add(Describe(path, full, target, rootReal, ancestors.Contains(target ?? "")));
                    continue;
                }
                full = target;
            }
            if (Directory.Exists(full))
            {
                ancestors.Add(full);
                Visit(rootReal, full, path, ancestors, include, entering, files, warnings);
                ancestors.Remove(full);
            }
            else files.Add(new WalkedFile(path, full));
        }
    }

    private static string Describe(string display, string path, string? target, string rootReal, bool loop = false)
    {
        var raw = SafeLinkTarget(path) ?? path;
        var why = target is null
            ? LoopsOrDangles(path)
            : loop ? "it points back at a folder that contains it" : $"it resolves to '{target}', outside '{rootReal}'";
        return $"Skipped symbolic link '{display}' → '{raw}': {why}; links are only followed inside the folder.";
    }

    private static string LoopsOrDangles(string path)
    {
        try { new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true); }
        catch (IOException) { return "it is a loop of links"; }
        return "its target does not exist";
    }

    private static string? SafeLinkTarget(string path)
    {
        try { return new FileInfo(path).LinkTarget; }
        catch (IOException) { return null; }
    }

    private static bool IsInside(string rootReal, string path) =>
        path == rootReal || path.StartsWith(Path.TrimEndingDirectorySeparator(rootReal) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The path with every symbolic link resolved (like realpath(3)), or null when it dangles or loops.</summary>
    public static string? RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var current = Path.GetPathRoot(full)!;
        var pending = new Stack<string>();
        Push(pending, full[current.Length..]);
        var hops = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part is "" or ".") continue;
            if (part == "..") { current = Path.GetDirectoryName(current) ?? current; continue; }
            var next = Path.Combine(current, part);
            string? link;
            try { link = new FileInfo(next).LinkTarget; }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
            if (link is not null)
            {
                if (++hops > MaxLinkHops) return null;
                if (Path.IsPathRooted(link))
                {
                    current = Path.GetPathRoot(link)!;
                    Push(pending, link[current.Length..]);
                }
                else Push(pending, link);
                continue;
            }
            if (!File.Exists(next) && !Directory.Exists(next)) return null;
            current = next;
        }
        return current;
    }

    private static void Push(Stack<string> pending, string relative)
    {
        var parts = relative.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        for (var i = parts.Length - 1; i >= 0; i--) pending.Push(parts[i]);
    }
}
