using MlPipelines.Core.Files;

namespace MlPipelines.Workspace.Snapshots;

/// <summary>
/// The files of a source folder that can affect a step — the same walk as <see cref="SourceSnapshot"/>: <c>.gitignore</c>
/// and <c>.mlpignore</c> rules at every level, build outputs and tool folders skipped, links read with the
/// <see cref="FolderWalker"/> rule (one resolving inside the folder counts as that file or folder; one out of the folder,
/// dangling or looping is skipped with a warning). Used for the "code" part of step cache keys, so a stray ignored file
/// does not invalidate every step.
/// </summary>
public static class SourceFiles
{
    /// <summary>Folders never part of the code: version control, the workspace, build outputs and IDE/tool folders.</summary>
    public static IReadOnlyList<string> Skipped { get; } = [.. SourceSnapshot.AlwaysSkipped, ".vs", ".idea", "node_modules", "artifacts"];

    /// <summary>The files under <paramref name="root"/> that are not ignored, sorted by relative path, and the links skipped.</summary>
    public static FolderWalk Walk(string root)
    {
        var rules = new IgnoreRules();
        return FolderWalker.Walk(Path.GetFullPath(root),
            include: (rel, isDir) => !(isDir && Skipped.Contains(Path.GetFileName(rel))) && !rules.IsIgnored(rel, isDir),
            entering: (rel, dir) => SourceSnapshot.LoadIgnoreFiles(rules, rel, dir));
    }
}
