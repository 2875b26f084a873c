namespace MlPipelines.Endpoints.Routing;

/// <summary>
/// Health of one instance, kept across routing-table swaps (keyed by address): active checks set it, passive
/// failures (transport errors while forwarding) eject it until the next successful check.
/// </summary>
internal sealed class InstanceState(string address)
{
    /// <summary>Consecutive transport failures before a passive ejection (a refused connection ejects at once).</summary>
    public const int PassiveFailureThreshold = 3;

    /// <summary>Consecutive failed active checks before ejection (a refused connection ejects at once).</summary>
    public const int ActiveFailureThreshold = 2;

    private int _healthy = 1;
    private int _consecutiveFailures;
    private int _failedChecks;
    private int _passedCheck;

    public string Address { get; } = address.TrimEnd('/');
    public bool Healthy => Volatile.Read(ref _healthy) == 1;
    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    public void MarkHealthy()
    {
        Volatile.Write(ref _failedChecks, 0);
        Volatile.Write(ref _passedCheck, 1);
        Volatile.Write(ref _consecutiveFailures, 0);
        Volatile.Write(ref _healthy, 1);
    }

    public void MarkUnhealthy() => Volatile.Write(ref _healthy, 0);

    /// <summary>An active check failed; <paramref name="refused"/> means nothing listens any more. An instance that never
    /// passed a check is ejected at once; one that did gets <see cref="ActiveFailureThreshold"/> chances (slow GC, busy CPU).</summary>
    public void RecordFailedCheck(bool refused)
    {
        if (refused || Volatile.Read(ref _passedCheck) == 0 || Interlocked.Increment(ref _failedChecks) >= ActiveFailureThreshold) MarkUnhealthy();
    }

    public void RecordSuccess()
    {
        if (Volatile.Read(ref _consecutiveFailures) != 0) Volatile.Write(ref _consecutiveFailures, 0);
    }

    public void RecordTransportFailure(bool connectFailed)
    {
        var n = Interlocked.Increment(ref _consecutiveFailures);
        if (connectFailed || n >= PassiveFailureThreshold) MarkUnhealthy();
    }
}
