namespace MlPipelines.Compute;

/// <summary>
/// A registered target built on first use, so listing or compiling against a workspace's targets never touches a
/// cluster, an engine or a kubeconfig; a definition that cannot be built fails the step that uses it, with the reason.
/// </summary>
public sealed class LazyComputeTarget(string name, Func<IComputeTarget> create, bool appliesImage) : IComputeTarget
{
    private readonly Lazy<IComputeTarget> _target = new(create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public bool AppliesImage => appliesImage;

    /// <summary>The built target (builds it).</summary>
    public IComputeTarget Target => _target.Value;

    /// <inheritdoc />
    public Task<ComputeResult> RunAsync(ComputeJob job, ComputeObserver observer, CancellationToken cancellationToken) =>
        _target.Value.RunAsync(job, observer, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ComputeResult>> RunArrayAsync(IReadOnlyList<ComputeJob> jobs, int maxConcurrent, IReadOnlyList<ComputeObserver> observers,
        IReadOnlyList<CancellationToken> jobCancellation, CancellationToken cancellationToken) =>
        _target.Value.RunArrayAsync(jobs, maxConcurrent, observers, jobCancellation, cancellationToken);
}
