using System.Security.Cryptography;
using System.Text;
using MlPipelines.Containers;
using MlPipelines.Core.Errors;

namespace MlPipelines.Compute.Docker;

/// <summary>
/// Turns a <see cref="ComputeJob"/> into the container that runs it (pure, apart from checking that mounted paths exist
/// and creating the output folder): the command as entrypoint and arguments, the working folder, every read-only path
/// and the target's extra mounts bind-mounted read-only at the same path, the output folder bind-mounted writable,
/// the environment, the user, the network and the limits.
/// </summary>
internal static class DockerJobSpec
{
    /// <summary>Label every container of a docker compute target carries, with the target's name as value.</summary>
    public const string TargetLabel = "io.mlpipelines.compute-target";

    /// <summary>Label with the job's name (the run id when the job runs a run).</summary>
    public const string JobLabel = "io.mlpipelines.job";

    public static ContainerSpec Create(ComputeJob job, DockerComputeOptions options, string image, string name)
    {
        var workingDirectory = Path.GetFullPath(job.WorkingDirectory ?? Environment.CurrentDirectory);
        var mounts = Mounts(job, options, workingDirectory);
        var resources = job.Resources;
        var memoryMb = resources.MemoryMb ?? options.MemoryMb;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { [TargetLabel] = options.Name };
        if (job.Name is { Length: > 0 } jobName) labels[JobLabel] = jobName;
        return new ContainerSpec
        {
            Image = image,
            Name = name,
            Entrypoint = job.FileName,
            Command = job.Arguments,
            WorkingDirectory = workingDirectory,
            Env = job.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Value is null ? e.Key : $"{e.Key}={e.Value}").ToList(),
            User = options.User ?? CallerIdentity.UidGid,
            Mounts = mounts,
            NetworkMode = options.Network,
            Cpus = resources.Cpus ?? options.Cpus,
            MemoryBytes = memoryMb * 1024 * 1024,
            Gpus = resources.Gpus,
            Init = true,
            Labels = labels,
        };
    }

    /// <summary>
    /// <c>mlp-NAME-SUFFIX</c>: the job's name reduced to what the engine allows in container names (<c>[a-zA-Z0-9_.-]</c>,
    /// at most 40 characters of it) and 8 random hex digits, since names are global to an engine and a job may be retried.
    /// </summary>
    public static string ContainerName(string? jobName)
    {
        var sb = new StringBuilder();
        foreach (var c in jobName ?? "job")
        {
            var ok = c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '.' or '-';
            sb.Append(ok ? c : '-');
            if (sb.Length == 40) break;
        }
        var core = sb.ToString().Trim('-', '.', '_');
        return $"mlp-{(core.Length == 0 ? "job" : core)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
    }

    private static List<ContainerMount> Mounts(ComputeJob job, DockerComputeOptions options, string workingDirectory)
    {
        var readOnly = new List<string> { workingDirectory };
        readOnly.AddRange(job.ReadOnlyPaths.Select(Path.GetFullPath));
        readOnly.AddRange(options.Mounts.Select(Path.GetFullPath));
        var missing = readOnly.Where(p => !File.Exists(p) && !Directory.Exists(p)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
            throw MlpException.Invalid($"Compute target '{options.Name}' cannot mount {string.Join(", ", missing.Select(m => $"'{m}'"))} into the container: no such file or folder on this machine.");
        string? output = null;
        if (job.OutputDirectory is { } outputDirectory)
        {
            output = TrimEnd(Path.GetFullPath(outputDirectory));
            Directory.CreateDirectory(output); // by the caller, so the container user (the caller by default) may write in it
        }
        var mounts = readOnly.Select(TrimEnd).Distinct(StringComparer.Ordinal).Where(p => p != output)
            .Select(p => new ContainerMount(p, p, ReadOnly: true)).ToList();
        if (output is not null) mounts.Add(new ContainerMount(output, output, ReadOnly: false));
        return mounts;
    }

    private static string TrimEnd(string path) => path.Length > 1 ? path.TrimEnd('/') : path;
}
