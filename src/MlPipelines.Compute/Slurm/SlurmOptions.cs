using System.Globalization;
using MlPipelines.Core.Compute;

namespace MlPipelines.Compute.Slurm;

/// <summary>How a Slurm compute target submits jobs. Resource defaults apply when a job asks for nothing.</summary>
/// <param name="Name">The target's name (what steps give in <c>.Compute(name)</c>).</param>
/// <param name="StagingDirectory">
/// A folder the submitting machine and every compute node see at the same path (e.g. on the cluster's shared file
/// system). Each job gets a folder under it holding its batch script, logs, exit-code file and, when the job's working
/// folder is not itself under a shared root, a copy of that folder.
/// </param>
public sealed record SlurmOptions(string Name, string StagingDirectory)
{
    /// <summary>Partition (<c>--partition</c>); the cluster's default when null.</summary>
    public string? Partition { get; init; }
    /// <summary>Account (<c>--account</c>).</summary>
    public string? Account { get; init; }
    /// <summary>Quality of service (<c>--qos</c>).</summary>
    public string? Qos { get; init; }
    /// <summary>Cores per job when the job does not say (<c>--cpus-per-task</c>).</summary>
    public int? Cpus { get; init; }
    /// <summary>Memory per job in MB when the job does not say (<c>--mem</c>).</summary>
    public long? MemoryMb { get; init; }
    /// <summary>GPUs per job when the job does not say (<c>--gres=gpu:N</c>).</summary>
    public int? Gpus { get; init; }
    /// <summary>Time limit when the job has no timeout (<c>--time</c>).</summary>
    public TimeSpan? TimeLimit { get; init; }
    /// <summary>Further <c>#SBATCH</c> options, each like <c>--constraint=avx512</c> (written after the generated ones, so they win).</summary>
    public IReadOnlyList<string> ExtraDirectives { get; init; } = [];
    /// <summary>
    /// Folders every node sees at the same path (e.g. <c>/home</c>, <c>/scratch</c>). A job whose working folder is under
    /// one runs in place; otherwise the working folder is copied into the job's staging folder. The staging folder is always shared.
    /// </summary>
    public IReadOnlyList<string> SharedRoots { get; init; } = [];
    /// <summary>How often job states are polled (one batched <c>squeue</c> for all jobs of this target).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How often the job's log files are read for new lines.</summary>
    public TimeSpan LogPollInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>Keep each job's staging folder after it ends (for debugging); removed by default.</summary>
    public bool KeepStaging { get; init; }

    /// <summary>The options of a registered <c>slurm</c> target (<c>mlp compute create NAME --type slurm …</c>).</summary>
    public static SlurmOptions FromDefinition(ComputeTargetDefinition target)
    {
        var o = ComputeKinds.Validate(target).Options;
        string? Get(string name) => o.TryGetValue(name, out var v) ? v : null;
        IReadOnlyList<string> List(string name) => Get(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        return new SlurmOptions(target.Name, Get("staging")!)
        {
            Partition = Get("partition"),
            Account = Get("account"),
            Qos = Get("qos"),
            SharedRoots = List("shared-roots"),
            ExtraDirectives = List("sbatch"),
            PollInterval = Get("poll-seconds") is { } p ? TimeSpan.FromSeconds(long.Parse(p, CultureInfo.InvariantCulture)) : TimeSpan.FromSeconds(2),
            KeepStaging = Get("keep-staging") == "true",
        };
    }
}
