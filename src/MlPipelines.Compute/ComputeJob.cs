using MlPipelines.Core.Runs;

namespace MlPipelines.Compute;

/// <summary>A command to execute on a compute target.</summary>
/// <param name="FileName">The program to start (looked up on PATH when not a path).</param>
/// <param name="Arguments">Arguments, passed as-is (no shell quoting involved).</param>
public sealed record ComputeJob(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>Working directory; the current directory when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Extra environment variables; a null value removes the variable from the inherited environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Wall-clock limit; when exceeded the process tree is killed and <see cref="ComputeResult.TimedOut"/> is set.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>How long a canceled or timed-out process tree gets after SIGTERM before SIGKILL.</summary>
    public TimeSpan KillGracePeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A name for the job on targets that show one (a Slurm job name): the run id when the job runs a run.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// The folder whose files become the run's outputs (the value of <c>MLP_OUTPUT_DIR</c>). A target that runs the job
    /// elsewhere gives it a folder of its own there and copies the files back here before it returns.
    /// </summary>
    public string? OutputDirectory { get; init; }

    /// <summary>What the job asks of the machine; targets that cannot enforce a request ignore it.</summary>
    public ComputeResources Resources { get; init; } = ComputeResources.None;

    /// <summary>
    /// The container image the job's environment resolved to (e.g. <c>mlp-env/python-3.11@sha256…</c>). Container targets
    /// (docker, kubernetes) run the job in it and refuse a job without one; process targets cannot apply an image and say so.
    /// </summary>
    public string? Image { get; init; }

    /// <summary>
    /// Host files and folders the job reads (its inputs, the source snapshot). A target that runs the job in a container
    /// makes each visible read-only at the same path, so paths in the arguments stay valid.
    /// </summary>
    public IReadOnlyList<string> ReadOnlyPaths { get; init; } = [];

    /// <summary>The command line for display (arguments with spaces are quoted).</summary>
    public override string ToString() =>
        string.Join(' ', new[] { FileName }.Concat(Arguments).Select(a => a.Length == 0 || a.Any(char.IsWhiteSpace) ? "'" + a.Replace("'", "'\\''") + "'" : a));
}

/// <summary>Resources a job requests: cores, memory, GPUs (null = the target's default).</summary>
public sealed record ComputeResources(int? Cpus = null, long? MemoryMb = null, int? Gpus = null)
{
    /// <summary>No request: the target's defaults.</summary>
    public static ComputeResources None { get; } = new();
}

/// <summary>One line of output of a job.</summary>
/// <param name="Stream">Stdout or stderr (System for lines written by the compute target itself).</param>
/// <param name="Timestamp">When the line was read.</param>
/// <param name="Text">The line without its newline.</param>
public sealed record OutputLine(LogStream Stream, DateTimeOffset Timestamp, string Text)
{
    /// <summary>The line's bytes were not valid UTF-8; <see cref="Text"/> has U+FFFD in their place.</summary>
    public bool InvalidUtf8 { get; init; }
}

/// <summary>Callbacks of a running job.</summary>
public sealed class ComputeObserver
{
    /// <summary>Called once with the OS process id (or a job id for cluster targets) as soon as the job has started.</summary>
    public Action<ComputeJobStarted>? OnStarted { get; init; }

    /// <summary>Called when a scheduler holds the job before it starts (e.g. Slurm's PENDING), with the scheduler's reason.</summary>
    public Action<string>? OnWaiting { get; init; }

    /// <summary>Called for every output line, serialized, in arrival order.</summary>
    public Action<OutputLine>? OnOutput { get; init; }

    /// <summary>An observer that ignores everything.</summary>
    public static ComputeObserver None { get; } = new();
}

/// <summary>Identity of a started job.</summary>
/// <param name="ProcessId">OS process id of the job's root process (0 when the target has no local process).</param>
/// <param name="Host">Machine name where the process runs.</param>
/// <param name="JobId">Target-specific id (e.g. a Slurm job id), or the process id as text.</param>
public sealed record ComputeJobStarted(int ProcessId, string Host, string JobId);

/// <summary>How a job ended.</summary>
/// <param name="ExitCode">The process exit code (-1 when killed or never started).</param>
/// <param name="Duration">Wall-clock time from start to end.</param>
public sealed record ComputeResult(int ExitCode, TimeSpan Duration)
{
    /// <summary>True when the job was killed because its timeout elapsed.</summary>
    public bool TimedOut { get; init; }

    /// <summary>True when the job was killed because cancellation was requested.</summary>
    public bool Canceled { get; init; }

    /// <summary>What the target knows beyond the exit code, e.g. "Slurm job 12 ended OUT_OF_MEMORY".</summary>
    public string? Detail { get; init; }

    /// <summary>True when the job finished by itself with exit code 0.</summary>
    public bool Succeeded => ExitCode == 0 && !TimedOut && !Canceled;

    /// <summary>A short human reason: "exit code 3", "timed out after 00:00:05", "canceled" (with the target's detail).</summary>
    public string Reason(TimeSpan? timeout = null)
    {
        var reason = Canceled ? "canceled" : TimedOut ? $"timed out after {timeout ?? Duration:c}" : $"exit code {ExitCode}";
        return Detail is null ? reason : $"{reason} ({Detail})";
    }
}
