namespace MlPipelines.Compute.Slurm;

/// <summary>
/// The folder of one job under the target's staging folder: the batch script, the logs, the exit-code file, and —
/// when the job's working folder is not under a shared root — a copy of it (<c>work/</c>) and an output folder
/// (<c>outputs/</c>) whose files are copied back to the job's output folder.
/// </summary>
internal sealed class SlurmStaging
{
    // Never copied into a job's working folder: workspaces, build output and VCS data are large and not the job's input.
    private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal) { ".mlp", ".git", "bin", "obj", "node_modules", "__pycache__" };

    private SlurmStaging(string directory) => Directory = directory;

    /// <summary>The job's folder.</summary>
    public string Directory { get; }
    /// <summary>Where the job runs.</summary>
    public string WorkingDirectory { get; private set; } = "";
    /// <summary>The job's output folder as the job sees it, or null when the job has none.</summary>
    public string? OutputDirectory { get; private set; }
    /// <summary>True when the working folder was copied (and outputs must be copied back).</summary>
    public bool Copied { get; private set; }

    /// <summary>Creates the job's folder and, unless the working folder is shared, copies it there.</summary>
    public static SlurmStaging Create(SlurmOptions options, ComputeJob job)
    {
        var root = Path.GetFullPath(options.StagingDirectory);
        System.IO.Directory.CreateDirectory(root);
        var name = Safe(job.Name ?? "job");
        var dir = Path.Combine(root, $"{name[..Math.Min(40, name.Length)]}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(dir);
        var staging = new SlurmStaging(dir);
        var work = Path.GetFullPath(job.WorkingDirectory ?? Environment.CurrentDirectory);
        var shared = options.SharedRoots.Append(root).Any(r => IsUnder(work, Path.GetFullPath(r)));
        if (shared)
        {
            staging.WorkingDirectory = work;
            staging.OutputDirectory = job.OutputDirectory is { } o && options.SharedRoots.Append(root).Any(r => IsUnder(Path.GetFullPath(o), Path.GetFullPath(r)))
                ? o : job.OutputDirectory is null ? null : Path.Combine(dir, "outputs");
        }
        else
        {
            staging.WorkingDirectory = Path.Combine(dir, "work");
            CopyFolder(work, staging.WorkingDirectory, exclude: root); // the staging folder may lie inside the working folder
            staging.OutputDirectory = job.OutputDirectory is null ? null : Path.Combine(dir, "outputs");
        }
        if (staging.OutputDirectory is { } od && od != job.OutputDirectory)
        {
            System.IO.Directory.CreateDirectory(od);
            staging.Copied = true;
        }
        return staging;
    }

    /// <summary>Copies files the job wrote to its staged output folder into the job's own output folder (new or changed files only).</summary>
    public void CopyOutputsBack(ComputeJob job)
    {
        if (!Copied || OutputDirectory is null || job.OutputDirectory is null) return;
        CopyFolder(OutputDirectory, job.OutputDirectory, onlyChanged: true);
    }

    /// <summary>Removes the job's folder (best effort: a node may still hold a file open).</summary>
    public void Delete()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    // Links are copied as the files they point to only while they stay inside the source folder; others are skipped.
    private static void CopyFolder(string source, string target, bool onlyChanged = false, string? exclude = null)
    {
        System.IO.Directory.CreateDirectory(target);
        var root = Path.GetFullPath(source);
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo && (Skipped.Contains(entry.Name) || entry.FullName == exclude)) continue;
            var to = Path.Combine(target, entry.Name);
            if (entry.LinkTarget is not null)
            {
                var resolved = entry.ResolveLinkTarget(returnFinalTarget: true);
                if (resolved is null || !resolved.Exists || !IsUnder(Path.GetFullPath(resolved.FullName), root)) continue;
            }
            if (entry is DirectoryInfo d) CopyFolder(d.FullName, to, onlyChanged, exclude);
            else if (entry is FileInfo f)
            {
                if (onlyChanged && File.Exists(to) && new FileInfo(to) is { } existing && existing.Length == f.Length && existing.LastWriteTimeUtc >= f.LastWriteTimeUtc) continue;
                f.CopyTo(to, overwrite: true);
            }
        }
    }

    private static bool IsUnder(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string Safe(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
}
