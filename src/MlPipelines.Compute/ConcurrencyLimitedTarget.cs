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

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();
}
