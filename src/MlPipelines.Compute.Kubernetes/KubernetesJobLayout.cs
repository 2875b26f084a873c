using MlPipelines.Core.Errors;

namespace MlPipelines.Compute.Kubernetes;

/// <summary>
/// Where a job's files are for its pod (pure: decides, copies nothing). The claim is seen at
/// <see cref="KubernetesVolume.HostPath"/> here and at <see cref="KubernetesVolume.MountPath"/> in the pod. Folders under the
/// host path are used in place; the others are staged into the job's folder on the claim,
/// <c>HOST/mlp-jobs/JOB/</c>: the working folder as <c>work/</c>, each input outside it as <c>inputs/N/NAME</c>, and the
/// output folder as <c>outputs/</c> (copied back after the job). Paths in the command, its arguments (also after a
/// <c>--flag=</c>) and its variables are rewritten to the pod's paths.
/// </summary>
public sealed class KubernetesJobLayout
{
    /// <summary>Folder of the claim (under its root) holding the staged job folders.</summary>
    public const string JobsFolder = "mlp-jobs";

    /// <summary>Where <c>MLP_OUTPUT_DIR</c> points in a pod without a claim (its files are not collected).</summary>
    public const string PodLocalOutputs = "/tmp/mlp-outputs";

    // Never staged with a working folder: workspaces, build output and VCS data are large and not the job's input.
    internal static readonly HashSet<string> Skipped = new(StringComparer.Ordinal) { ".mlp", ".git", "bin", "obj", "node_modules", "__pycache__" };

    private readonly List<(string Host, string Pod)> _map = [];

    private KubernetesJobLayout() { }

    /// <summary>The job's own folder on the claim as seen here (null without a claim).</summary>
    public string? JobFolder { get; private init; }
    /// <summary>The pod's working folder (null: the image's).</summary>
    public string? WorkingDirectory { get; private set; }
    /// <summary>The pod's output folder (<c>MLP_OUTPUT_DIR</c>), or null when the job has none.</summary>
    public string? OutputDirectory { get; private set; }
    /// <summary>Host folders or files to copy before the job starts: source → copy on the claim.</summary>
    public IReadOnlyList<(string Source, string Copy, bool IsWorkingFolder)> Copies => _copies;
    /// <summary>The staged output folder (on the claim) whose files are copied back to the job's output folder, or null when outputs are written in place.</summary>
    public string? StagedOutputs { get; private set; }
    /// <summary>Host → pod path prefixes, longest first.</summary>
    public IReadOnlyList<(string Host, string Pod)> Mappings => _map;

    private readonly List<(string, string, bool)> _copies = [];

    /// <summary>Plans the files of <paramref name="job"/> (named <paramref name="jobName"/> on the cluster) for <paramref name="volume"/>.</summary>
    public static KubernetesJobLayout Plan(ComputeJob job, KubernetesVolume? volume, string jobName, string targetName)
    {
        if (volume is null)
        {
            if (job.ReadOnlyPaths.Count > 0)
                throw MlpException.Invalid($"Compute target '{targetName}' has no volume, so its pods cannot see the job's inputs {string.Join(", ", job.ReadOnlyPaths.Select(p => $"'{p}'"))}; set its 'pvc', 'pvc-mount' and 'pvc-host-path' options.");
            return new KubernetesJobLayout { OutputDirectory = job.OutputDirectory is null ? null : PodLocalOutputs };
        }

        var host = Path.GetFullPath(volume.HostPath);
        var folder = Path.Combine(host, JobsFolder, jobName);
        var podFolder = volume.MountPath.TrimEnd('/') + "/" + JobsFolder + "/" + jobName;
        var layout = new KubernetesJobLayout { JobFolder = folder };
        layout._map.Add((host, volume.MountPath));

        var work = Path.GetFullPath(job.WorkingDirectory ?? Environment.CurrentDirectory);
        if (!IsUnder(work, host))
        {
            layout._copies.Add((work, Path.Combine(folder, "work"), true));
            layout._map.Add((work, podFolder + "/work"));
        }
        if (job.OutputDirectory is { } outputs && !IsUnder(Path.GetFullPath(outputs), host))
        {
            layout.StagedOutputs = Path.Combine(folder, "outputs");
            layout._map.Add((Path.GetFullPath(outputs), podFolder + "/outputs"));
        }
        var n = 0;
        foreach (var input in job.ReadOnlyPaths.Select(p => Path.GetFullPath(p)).Distinct(StringComparer.Ordinal))
        {
            if (IsUnder(input, host)) continue;
            if (IsUnder(input, work) && !IsUnder(work, host) && !InSkippedFolder(input, work)) continue; // staged with the working folder
            var name = Path.GetFileName(input.TrimEnd(Path.DirectorySeparatorChar));
            var rel = $"inputs/{n++}/{(name.Length == 0 ? "root" : name)}";
            layout._copies.Add((input, Path.Combine(folder, rel), false));
            layout._map.Add((input, podFolder + "/" + rel));
        }
        layout._map.Sort((a, b) => b.Host.Length.CompareTo(a.Host.Length));
        layout.WorkingDirectory = layout.ToPod(work);
        layout.OutputDirectory = job.OutputDirectory is { } o ? layout.ToPod(Path.GetFullPath(o)) : null;
        return layout;
    }

    /// <summary>The pod's path of a host path, or null when the pod does not see it.</summary>
    public string? ToPod(string hostPath)
    {
        foreach (var (h, p) in _map)
        {
            if (hostPath == h) return p;
            if (IsUnder(hostPath, h)) return p.TrimEnd('/') + "/" + Path.GetRelativePath(h, hostPath).Replace(Path.DirectorySeparatorChar, '/');
        }
        return null;
    }

    /// <summary>
    /// A command-line word or variable value with a host path rewritten to the pod's: the whole word when it is an absolute
    /// path the pod sees, or the part after the first '=' (<c>--data=/host/x</c>). Anything else is left as it is.
    /// </summary>
    public string Rewrite(string value)
    {
        if (_map.Count == 0) return value;
        if (Path.IsPathRooted(value) && ToPod(value) is { } whole) return whole;
        var eq = value.IndexOf('=');
        return eq > 0 && eq < value.Length - 1 && Path.IsPathRooted(value[(eq + 1)..]) && ToPod(value[(eq + 1)..]) is { } tail
            ? value[..(eq + 1)] + tail
            : value;
    }

    internal static bool IsUnder(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static bool InSkippedFolder(string path, string root) =>
        Path.GetRelativePath(root, path).Split(Path.DirectorySeparatorChar).Any(Skipped.Contains);
}
