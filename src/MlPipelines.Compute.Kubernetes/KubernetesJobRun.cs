using System.Diagnostics;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using MlPipelines.Core.Runs;

namespace MlPipelines.Compute.Kubernetes;

/// <summary>
/// Follows one created Job to its end: a watch on the Job (its final condition) and one on its pods (waiting reasons,
/// start, exit code) feed one loop; each pod whose container started gets its log followed; cancel or a deadline the
/// cluster missed deletes the Job. Watches that end are reopened (events are read as state, so a replay is harmless).
/// </summary>
internal sealed class KubernetesJobRun(IKubernetes client, KubernetesComputeOptions options, ComputeJob job, string name, KubernetesJobLayout layout, ComputeObserver observer)
{
    /// <summary>Deadline of each short API call (create, list, delete).</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RewatchDelay = TimeSpan.FromMilliseconds(500);
    private const int MaxWatchFailures = 5;

    private readonly object _gate = new();
    private readonly Dictionary<string, V1Pod> _pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _logs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _logsCts = new();
    private string? _waiting;
    private bool _started;

    private sealed record PodEvent(WatchEventType Type, V1Pod Pod);
    private sealed record JobEvent(WatchEventType Type, V1Job Job);
    private sealed record WatchFailed(string What, Exception Error);

    /// <summary>Writes a line of the target's own (System stream).</summary>
    public void System(string text)
    {
        lock (_gate) observer.OnOutput?.Invoke(new OutputLine(LogStream.System, DateTimeOffset.UtcNow, text));
    }

    /// <summary>Follows the Job until it ends, is canceled, or outlives its deadline; always leaves no Job behind unless ttl-seconds keeps it.</summary>
    public async Task<ComputeResult> FollowAsync(Stopwatch sw, CancellationToken cancellationToken)
    {
        var events = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
        using var watches = new CancellationTokenSource();
        var watchTasks = new[]
        {
            Watch("pods", events.Writer, t => client.CoreV1.WatchListNamespacedPodAsync(options.Namespace,
                labelSelector: $"{KubernetesJobManifest.JobLabel}={name}", onError: e => WatchError("pods", e), cancellationToken: t), (type, pod) => new PodEvent(type, pod), watches.Token),
            Watch("Job", events.Writer, t => client.BatchV1.WatchListNamespacedJobAsync(options.Namespace,
                fieldSelector: $"metadata.name={name}", onError: e => WatchError("Job", e), cancellationToken: t), (type, j) => new JobEvent(type, j), watches.Token),
        };
        using var deadline = job.Timeout is { } timeout ? new CancellationTokenSource(timeout + options.DeadlineGrace) : new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        KubernetesJobEnd? end = null;
        bool canceled = false, missedDeadline = false, delete = true;
        try
        {
            await foreach (var e in events.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                switch (e)
                {
                    case PodEvent p: OnPod(p); break;
                    case JobEvent { Type: WatchEventType.Deleted }: end = new KubernetesJobEnd("Deleted", null, null); break;
                    case JobEvent j: end = KubernetesJobStatus.End(j.Job); break;
                    case WatchFailed f: throw KubernetesApiErrors.Wrap(options.Name, $"watch the {f.What} of Job '{name}'", f.Error);
                }
                if (end is not null) break;
            }
            delete = options.TtlSecondsAfterFinished is null;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            canceled = cancellationToken.IsCancellationRequested;
            missedDeadline = !canceled;
            System($"Kubernetes Job '{name}': {(canceled ? "canceled" : $"still running {options.DeadlineGrace.TotalSeconds:0} s past its deadline")}; deleting it.");
        }
        finally
        {
            await watches.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(watchTasks).ConfigureAwait(false);
            if (end is null)
            {
                await _logsCts.CancelAsync().ConfigureAwait(false); // canceled or failed: no more lines are wanted
                if (delete) await DeleteJobAsync().ConfigureAwait(false);
                await DrainLogsAsync().ConfigureAwait(false);
            }
            else
            {
                await DrainLogsAsync().ConfigureAwait(false); // the pods must still exist to be listed and read
                if (delete) await DeleteJobAsync().ConfigureAwait(false);
            }
            KubernetesStaging.CopyOutputsBack(layout, job);
        }

        if (canceled) return new ComputeResult(-1, sw.Elapsed) { Canceled = true };
        if (missedDeadline)
            return new ComputeResult(-1, sw.Elapsed) { TimedOut = true, Detail = $"Kubernetes did not end Job '{name}' at its deadline; the target deleted it" };
        return Result(end!, sw.Elapsed);
    }

    /// <summary>Deletes the Job and, in the background, its pods; a Job already gone is fine, other failures are reported as a System line.</summary>
    public async Task DeleteJobAsync()
    {
        using var call = new CancellationTokenSource(CallTimeout);
        try
        {
            await client.BatchV1.DeleteNamespacedJobAsync(name, options.Namespace, new V1DeleteOptions { PropagationPolicy = "Background" },
                propagationPolicy: "Background", cancellationToken: call.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (KubernetesApiErrors.IsNotFound(e)) { }
        catch (Exception e) when (KubernetesApiErrors.IsApiFailure(e) || e is OperationCanceledException)
        {
            System($"warning: could not delete Kubernetes Job '{name}' in namespace '{options.Namespace}' ({e.Message}); remove it with `kubectl delete job {name} -n {options.Namespace}`.");
        }
    }

    private void OnPod(PodEvent e)
    {
        var pod = e.Pod;
        var podName = pod.Metadata?.Name ?? "";
        if (e.Type == WatchEventType.Deleted) { if (_pods.ContainsKey(podName)) _pods[podName] = pod; return; }
        if (e.Type is not (WatchEventType.Added or WatchEventType.Modified)) return;
        _pods[podName] = pod;
        if (KubernetesJobStatus.WaitingReason(pod) is { } reason && reason != _waiting)
        {
            _waiting = reason;
            System($"Kubernetes pod '{podName}' is waiting: {reason}.");
            observer.OnWaiting?.Invoke(reason);
        }
        if (KubernetesJobStatus.HasStarted(pod)) StartedPod(pod);
    }

    private void StartedPod(V1Pod pod)
    {
        var podName = pod.Metadata.Name;
        if (!_started)
        {
            _started = true;
            _waiting = null;
            System($"Kubernetes pod '{podName}' started on node '{KubernetesJobStatus.Node(pod)}'.");
            observer.OnStarted?.Invoke(new ComputeJobStarted(0, KubernetesJobStatus.Node(pod), podName));
        }
        if (!_logs.ContainsKey(podName)) _logs[podName] = Task.Run(() => FollowLogAsync(podName, _logsCts.Token));
    }

    // The watches may not have shown every pod's end before the Job's condition: one list makes the exit codes certain,
    // and a pod that ran too briefly to be seen running still gets its log read.
    private async Task RefreshPodsAsync()
    {
        using var call = new CancellationTokenSource(CallTimeout);
        try
        {
            var list = await client.CoreV1.ListNamespacedPodAsync(options.Namespace, labelSelector: $"{KubernetesJobManifest.JobLabel}={name}", cancellationToken: call.Token).ConfigureAwait(false);
            foreach (var pod in list.Items)
            {
                _pods[pod.Metadata.Name] = pod;
                if (KubernetesJobStatus.HasStarted(pod)) StartedPod(pod);
            }
        }
        catch (Exception e) when (KubernetesApiErrors.IsApiFailure(e) || e is OperationCanceledException)
        {
            System($"warning: could not list the pods of Kubernetes Job '{name}': {e.Message}");
        }
    }

    private async Task DrainLogsAsync()
    {
        if (!_logsCts.IsCancellationRequested) await RefreshPodsAsync().ConfigureAwait(false);
        var all = Task.WhenAll(_logs.Values);
        if (await Task.WhenAny(all, Task.Delay(options.LogDrainTimeout)).ConfigureAwait(false) != all)
        {
            System($"warning: the log of Kubernetes Job '{name}' did not end within {options.LogDrainTimeout.TotalSeconds:0} s of the Job; it may be incomplete.");
            await _logsCts.CancelAsync().ConfigureAwait(false);
        }
        await all.ConfigureAwait(false);
    }

    private async Task FollowLogAsync(string pod, CancellationToken token)
    {
        try
        {
            using var stream = await client.CoreV1.ReadNamespacedPodLogAsync(pod, options.Namespace, container: KubernetesJobManifest.ContainerName,
                follow: true, cancellationToken: token).ConfigureAwait(false);
            var lines = new KubernetesLogLines(stream);
            while (await lines.ReadLineAsync(token).ConfigureAwait(false) is { } line)
            {
                if (observer.OnOutput is null) continue;
                if (NamesAFile(line.Text)) KubernetesStaging.CopyOutputsBack(layout, job);
                lock (_gate) observer.OnOutput(new OutputLine(LogStream.Stdout, DateTimeOffset.UtcNow, line.Text) { InvalidUtf8 = line.InvalidUtf8 });
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested) { }
        catch (Exception e) when (KubernetesApiErrors.IsApiFailure(e))
        {
            System($"warning: the log of Kubernetes pod '{pod}' could not be read to its end: {e.Message}");
        }
    }

    private ComputeResult Result(KubernetesJobEnd end, TimeSpan elapsed)
    {
        // The pod that ran last decides (a disrupted pod is replaced; its successor's exit is the job's).
        var last = _pods.Values.Where(p => KubernetesJobStatus.Terminated(p) is not null)
            .OrderBy(p => p.Metadata?.CreationTimestamp ?? DateTime.MinValue).LastOrDefault();
        var terminated = last is null ? null : KubernetesJobStatus.Terminated(last);
        var code = terminated?.ExitCode;
        var oom = terminated?.Reason == "OOMKilled" ? $"container '{KubernetesJobManifest.ContainerName}' was OOMKilled" : null;
        string Failed() => $"Kubernetes Job '{name}' failed: {end.Reason ?? "Failed"}" + (end.Message is { Length: > 0 } m ? $": {m}" : "");
        return end switch
        {
            { Type: "Complete" } => new ComputeResult(code ?? 0, elapsed),
            { Type: "Deleted" } => new ComputeResult(-1, elapsed) { Detail = $"Kubernetes Job '{name}' was deleted before it finished" },
            { Reason: "DeadlineExceeded" } => new ComputeResult(code is { } c and not 0 ? c : -1, elapsed) { TimedOut = true },
            { Reason: "PodFailurePolicy" } when code is { } c and not 0 => new ComputeResult(c, elapsed) { Detail = oom },
            _ => new ComputeResult(code is { } c and not 0 ? c : -1, elapsed) { Detail = oom is null ? Failed() : $"{Failed()}; {oom}" },
        };
    }

    private Task Watch<T>(string what, ChannelWriter<object> writer, Func<CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> open,
        Func<WatchEventType, T, object> wrap, CancellationToken token) => Task.Run(async () =>
    {
        var failures = 0;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await foreach (var (type, obj) in open(token).WithCancellation(token).ConfigureAwait(false))
                {
                    failures = 0;
                    await writer.WriteAsync(wrap(type, obj), token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested) { return; }
            catch (Exception e) when (KubernetesApiErrors.IsApiFailure(e))
            {
                if (++failures >= MaxWatchFailures)
                {
                    writer.TryWrite(new WatchFailed(what, e));
                    return;
                }
            }
            try { await Task.Delay(RewatchDelay * Math.Max(1, failures), token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }, CancellationToken.None);

    // An ERROR event (e.g. 410 Gone: the watch is too old) or an event that did not parse; the watch is reopened when the server closes it.
    private void WatchError(string what, Exception e) => System($"warning: the watch of the {what} of Kubernetes Job '{name}' reported: {e.Message}");

    private static bool NamesAFile(string line)
    {
        var t = line.TrimStart();
        return t.StartsWith("##mlp[image", StringComparison.Ordinal) || t.StartsWith("##mlp[output", StringComparison.Ordinal);
    }
}
