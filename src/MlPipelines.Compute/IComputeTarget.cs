namespace MlPipelines.Compute;

/// <summary>
/// Where a step or run executes: a local process, a container, a cluster job. Implementations start the job,
/// stream its output lines as they arrive and return its exit code; cancellation (or the job's timeout) ends the
/// job including every process it started.
/// </summary>
public interface IComputeTarget
{
    /// <summary>The name users give in <c>.Compute(name)</c> or <c>--compute</c>, e.g. <c>local</c>.</summary>
    string Name { get; }

    /// <summary>
    /// True when the target runs jobs in their environment's container image (docker, kubernetes); false for targets
    /// that run the machine's own programs (local, slurm), where an environment image cannot apply.
    /// </summary>
    bool AppliesImage => false;

    /// <summary>
    /// Runs a job to completion. Output lines are passed to <see cref="ComputeObserver.OnOutput"/> one at a time (never
    /// concurrently) in arrival order. Cancelling <paramref name="cancellationToken"/> kills the whole process tree and
    /// returns a result with <see cref="ComputeResult.Canceled"/> set rather than throwing.
    /// </summary>
    Task<ComputeResult> RunAsync(ComputeJob job, ComputeObserver observer, CancellationToken cancellationToken);
}
