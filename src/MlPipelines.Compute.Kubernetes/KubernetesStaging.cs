namespace MlPipelines.Compute.Kubernetes;

/// <summary>
/// Carries out a <see cref="KubernetesJobLayout"/> on the claim as the submitting machine sees it: copies the staged
/// folders before the job, copies the staged outputs back, and removes the job's folder afterwards. Links are followed
/// only while they stay inside the folder being copied.
/// </summary>
internal static class KubernetesStaging
{
    /// <summary>Creates the job's folder and copies what the layout stages.</summary>
    public static void Stage(KubernetesJobLayout layout, string? claimHostPath)
    {
        if (layout.JobFolder is null) return;
        Directory.CreateDirectory(layout.JobFolder);
        foreach (var (source, copy, isWorkingFolder) in layout.Copies)
        {
            if (File.Exists(source))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(source, copy, overwrite: true);
            }
            else if (Directory.Exists(source))
                CopyFolder(source, copy, skipNamed: isWorkingFolder, exclude: claimHostPath is null ? null : Path.GetFullPath(claimHostPath));
        }
        if (layout.StagedOutputs is { } outputs) Directory.CreateDirectory(outputs);
    }

    /// <summary>Copies new or changed files of the staged output folder into the job's own output folder.</summary>
    public static void CopyOutputsBack(KubernetesJobLayout layout, ComputeJob job)
    {
        if (layout.StagedOutputs is not { } staged || job.OutputDirectory is null || !Directory.Exists(staged)) return;
        CopyFolder(staged, job.OutputDirectory, onlyChanged: true);
    }

    /// <summary>Removes the job's folder on the claim (best effort: a pod may still hold a file open).</summary>
    public static void Delete(KubernetesJobLayout layout)
    {
        if (layout.JobFolder is null || !Directory.Exists(layout.JobFolder)) return;
        try { Directory.Delete(layout.JobFolder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static void CopyFolder(string source, string target, bool onlyChanged = false, bool skipNamed = false, string? exclude = null, string? root = null)
    {
        root ??= Path.GetFullPath(source);
        Directory.CreateDirectory(target);
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo && ((skipNamed && KubernetesJobLayout.Skipped.Contains(entry.Name)) || entry.FullName == exclude)) continue;
            if (entry.LinkTarget is not null)
            {
                var resolved = entry.ResolveLinkTarget(returnFinalTarget: true);
                if (resolved is null || !resolved.Exists || !KubernetesJobLayout.IsUnder(Path.GetFullPath(resolved.FullName), root)) continue;
            }
            var to = Path.Combine(target, entry.Name);
            if (entry is DirectoryInfo d) CopyFolder(d.FullName, to, onlyChanged, skipNamed, exclude, root);
            else if (entry is FileInfo f)
            {
                if (onlyChanged && new FileInfo(to) is { Exists: true } existing && existing.Length == f.Length && existing.LastWriteTimeUtc >= f.LastWriteTimeUtc) continue;
                f.CopyTo(to, overwrite: true);
            }
        }
    }
}
