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

    /// <summary>
    /// Runs several jobs of one kind (the trials of a sweep), at most <paramref name="maxConcurrent"/> at once, and returns
    /// their results in order. Each job has its own observer and its own cancellation (a trial stopped early); cancelling
    /// <paramref name="cancellationToken"/> ends them all. Schedulers override this to submit one job array; by default
    /// the jobs run through <see cref="RunAsync"/>.
    /// </summary>
    Task<IReadOnlyList<ComputeResult>> RunArrayAsync(IReadOnlyList<ComputeJob> jobs, int maxConcurrent, IReadOnlyList<ComputeObserver> observers,
        IReadOnlyList<CancellationToken> jobCancellation, CancellationToken cancellationToken) =>
        ComputeArrays.RunEachAsync(this, jobs, maxConcurrent, observers, jobCancellation, cancellationToken);
}

/// <summary>Running several jobs through a target's <see cref="IComputeTarget.RunAsync"/>.</summary>
public static class ComputeArrays
{
    /// <summary>Runs the jobs at most <paramref name="maxConcurrent"/> at once, in order of index.</summary>
    public static async Task<IReadOnlyList<ComputeResult>> RunEachAsync(IComputeTarget target, IReadOnlyList<ComputeJob> jobs, int maxConcurrent,
        IReadOnlyList<ComputeObserver> observers, IReadOnlyList<CancellationToken> jobCancellation, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(Math.Max(1, maxConcurrent));
        var tasks = jobs.Select(async (job, i) =>
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, jobCancellation[i]);
            try
            {
                await slots.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return new ComputeResult(-1, TimeSpan.Zero) { Canceled = true };
            }
            try
            {
                return await target.RunAsync(job, observers[i], linked.Token).ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }
        }).ToList();
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }
}
