namespace MlPipelines.Compute;

/// <summary>
/// A target that runs at most <c>maxConcurrent</c> jobs at once (a registered target's <c>--max-concurrent</c>); further
/// jobs wait for a slot and say so through <see cref="ComputeObserver.OnWaiting"/>.
/// </summary>
public sealed class ConcurrencyLimitedTarget(IComputeTarget inner, int maxConcurrent) : IComputeTarget, IDisposable
{
    private readonly SemaphoreSlim _slots = new(maxConcurrent, maxConcurrent);

    /// <inheritdoc />
    public string Name => inner.Name;

    /// <inheritdoc />
    public bool AppliesImage => inner.AppliesImage;

    /// <summary>The target jobs run on.</summary>
    public IComputeTarget Inner => inner;

    /// <inheritdoc />
    public async Task<ComputeResult> RunAsync(ComputeJob job, ComputeObserver observer, CancellationToken cancellationToken)
    {
        if (!await _slots.WaitAsync(0, CancellationToken.None).ConfigureAwait(false))
        {
            observer.OnWaiting?.Invoke($"compute '{Name}' runs {maxConcurrent} job(s) at once; waiting for a slot");
            try
            {
                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return new ComputeResult(-1, TimeSpan.Zero) { Canceled = true };
            }
        }
        try
        {
            return await inner.RunAsync(job, observer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>An array counts as one job against the limit, and runs at most the limit of its own jobs at once.</summary>
    public async Task<IReadOnlyList<ComputeResult>> RunArrayAsync(IReadOnlyList<ComputeJob> jobs, int arrayConcurrency, IReadOnlyList<ComputeObserver> observers,
        IReadOnlyList<CancellationToken> jobCancellation, CancellationToken cancellationToken)
    {
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return jobs.Select(_ => new ComputeResult(-1, TimeSpan.Zero) { Canceled = true }).ToList();
        }
        try
        {
            return await inner.RunArrayAsync(jobs, Math.Min(arrayConcurrency, maxConcurrent), observers, jobCancellation, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();
}
