namespace MlPipelines.Workspace.Snapshots;

/// <summary>
/// The files of a source folder that can affect a step — the same walk as <see cref="SourceSnapshot"/>: <c>.gitignore</c>
/// and <c>.mlpignore</c> rules at every level, links to folders not followed, build outputs and tool folders skipped.
/// Used for the "code" part of step cache keys, so a stray ignored file does not invalidate every step.
/// </summary>
public static class SourceFiles
{
    /// <summary>Folders never part of the code: version control, the workspace, build outputs and IDE/tool folders.</summary>
    public static IReadOnlyList<string> Skipped { get; } = [.. SourceSnapshot.AlwaysSkipped, ".vs", ".idea", "node_modules", "artifacts"];

    /// <summary>Full paths of the files under <paramref name="root"/> that are not ignored, in ordinal order of their relative paths.</summary>
    public static IReadOnlyList<string> Enumerate(string root)
    {
        var files = new List<(string Rel, string Full)>();
        Walk(new DirectoryInfo(Path.GetFullPath(root)), "", new IgnoreRules(), files);
        return files.OrderBy(f => f.Rel, StringComparer.Ordinal).Select(f => f.Full).ToList();
    }

    private static void Walk(DirectoryInfo dir, string rel, IgnoreRules rules, List<(string, string)> files)
    {
        foreach (var name in new[] { ".gitignore", ".mlpignore" })
        {
            var f = Path.Combine(dir.FullName, name);
            if (File.Exists(f)) rules.Add(rel, File.ReadAllLines(f));
        }
        foreach (var entry in dir.EnumerateFileSystemInfos())
        {
            var path = rel.Length == 0 ? entry.Name : rel + "/" + entry.Name;
            if (entry is DirectoryInfo sub)
            {
                if (Skipped.Contains(sub.Name) || sub.LinkTarget is not null || rules.IsIgnored(path, true)) continue;
                Walk(sub, path, rules, files);
            }
            else if (entry is FileInfo file && !rules.IsIgnored(path, false))
                files.Add((path, file.FullName));
        }
    }
}
