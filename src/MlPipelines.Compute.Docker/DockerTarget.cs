using System.Diagnostics;
using MlPipelines.Containers;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;

namespace MlPipelines.Compute.Docker;

/// <summary>
/// Runs each job in a container of its image through the Docker Engine API: the working folder and every read-only path
/// mounted read-only at the same path, the output folder mounted writable (so outputs land on the host, owned by the
/// caller, who the container runs as by default), the job's environment, CPU/memory/GPU limits, host networking by
/// default. Output is attached before the container starts and handed on line by line as it arrives. A timeout or
/// cancellation sends SIGTERM, then SIGKILL after the job's grace period; the container is removed in every case.
/// </summary>
public sealed class DockerTarget : IComputeTarget, IDisposable
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(30);
    private readonly DockerComputeOptions _options;
    private readonly DockerEngineClient _engine;

    /// <inheritdoc />
    public bool AppliesImage => true;

    /// <summary>A target running jobs on the engine of <paramref name="options"/> (nothing is contacted until the first job).</summary>
    public DockerTarget(DockerComputeOptions options)
    {
        _options = options;
        _engine = new DockerEngineClient(options.Endpoint);
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <inheritdoc />
    public async Task<ComputeResult> RunAsync(ComputeJob job, ComputeObserver observer, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return new ComputeResult(-1, TimeSpan.Zero) { Canceled = true };
        var image = job.Image is { Length: > 0 } i ? i : throw MlpException.Invalid(
            $"Compute target '{Name}' runs jobs in containers, but job '{job.Name ?? job.ToString()}' has no image; give the step an environment (an image) or run it on 'local'.");
        var name = DockerJobSpec.ContainerName(job.Name);
        var spec = DockerJobSpec.Create(job, _options, image, name);
        var gate = new object();
        void System(string text) { lock (gate) observer.OnOutput?.Invoke(new OutputLine(LogStream.System, DateTimeOffset.UtcNow, text)); }
        var sw = Stopwatch.StartNew();
        string? id = null;
        ContainerAttachment? attachment = null;
        Task? pump = null;
        try
        {
            // Not cancellable: a create or start abandoned half-way could leave a container the engine made but we never heard of.
            id = await CreateAsync(spec, job).ConfigureAwait(false);
            attachment = await _engine.AttachContainerAsync(id, CancellationToken.None).ConfigureAwait(false);
            await StartAsync(id, spec, job).ConfigureAwait(false);
            System($"docker container {id[..12]} started from {image}");
            observer.OnStarted?.Invoke(new ComputeJobStarted(0, EngineHost(), id));
            pump = OutputPump.Run(attachment, observer, gate);

            var (exitCode, canceled, timedOut) = await WaitAsync(id, job, System, cancellationToken).ConfigureAwait(false);
            try { await pump.WaitAsync(DrainTimeout).ConfigureAwait(false); }
            catch (TimeoutException) { System($"docker container {id[..12]}: output did not end within {DrainTimeout.TotalSeconds:0} s of its exit; the rest is dropped."); }
            var detail = exitCode != 0 && !canceled && !timedOut ? await OutOfMemoryAsync(id, spec).ConfigureAwait(false) : null;
            return new ComputeResult(exitCode, sw.Elapsed) { Canceled = canceled, TimedOut = timedOut, Detail = detail };
        }
        finally
        {
            attachment?.Dispose();
            if (pump is not null) await Task.WhenAny(pump, Task.Delay(DrainTimeout, CancellationToken.None)).ConfigureAwait(false);
            // Without an id the create failed, most likely before the engine made anything; the name catches the rest.
            await RemoveAsync(id ?? name, id is null ? _ => { } : System).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _engine.Dispose();

    private async Task<string> CreateAsync(ContainerSpec spec, ComputeJob job)
    {
        try
        {
            return await _engine.CreateContainerAsync(spec, CancellationToken.None).ConfigureAwait(false);
        }
        catch (MlpException e) when (e.Kind == ErrorKind.NotFound)
        {
            throw new MlpException(ErrorKind.NotFound,
                $"Compute target '{Name}' cannot run job '{job.Name ?? job.FileName}': the Docker engine at '{_engine.Endpoint.Address}' has no image '{spec.Image}' " +
                $"(images are not pulled by the target: build the step's environment, or `docker pull {spec.Image}`).", e);
        }
    }

    private async Task StartAsync(string id, ContainerSpec spec, ComputeJob job)
    {
        try
        {
            await _engine.StartContainerAsync(id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (MlpException e) when (e.Kind is ErrorKind.Failed or ErrorKind.InvalidInput)
        {
            var gpus = spec.Gpus is { } n ? $" The job asks for {n} GPU(s): the engine needs a GPU device driver (e.g. the NVIDIA container toolkit)." : "";
            throw MlpException.Invalid($"Command '{job.FileName}' could not be started in image '{spec.Image}' on compute target '{Name}': {e.Message}{gpus}");
        }
    }

    private async Task<(int ExitCode, bool Canceled, bool TimedOut)> WaitAsync(string id, ComputeJob job, Action<string> system, CancellationToken cancellationToken)
    {
        using var timeoutCts = job.Timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        try
        {
            return (await _engine.WaitContainerAsync(id, linked.Token).ConfigureAwait(false), false, false);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            var canceled = cancellationToken.IsCancellationRequested;
            system($"docker container {id[..12]}: {(canceled ? "canceled" : $"timed out after {job.Timeout:c}")}; stopping it (SIGTERM, SIGKILL after {job.KillGracePeriod.TotalSeconds:0.###} s).");
            await StopAsync(id, job.KillGracePeriod).ConfigureAwait(false);
            return (-1, canceled, !canceled);
        }
    }

    // SIGTERM reaches the job through the container's init process; whatever still runs after the grace period is killed.
    private async Task StopAsync(string id, TimeSpan grace)
    {
        if (!await SignalAsync(id, "TERM").ConfigureAwait(false)) return;
        if (await ExitedWithinAsync(id, grace).ConfigureAwait(false)) return;
        await SignalAsync(id, "KILL").ConfigureAwait(false);
        if (!await ExitedWithinAsync(id, KillWait).ConfigureAwait(false))
            throw MlpException.Failed($"docker container {id[..12]} did not end within {KillWait.TotalSeconds:0} s of SIGKILL; it was force-removed.");
    }

    /// <summary>Sends a signal; false when the container no longer runs.</summary>
    private async Task<bool> SignalAsync(string id, string signal)
    {
        try
        {
            await _engine.KillContainerAsync(id, signal, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (MlpException e) when (e.Kind is ErrorKind.Conflict or ErrorKind.NotFound)
        {
            return false; // "is not running": it ended meanwhile
        }
    }

    private async Task<bool> ExitedWithinAsync(string id, TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        try
        {
            await _engine.WaitContainerAsync(id, cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task<string?> OutOfMemoryAsync(string id, ContainerSpec spec)
    {
        var state = await _engine.InspectContainerAsync(id, CancellationToken.None).ConfigureAwait(false);
        return state.OomKilled
            ? $"docker container {id[..12]} was killed for exceeding its memory limit of {spec.MemoryBytes / (1024 * 1024)} MiB"
            : null;
    }

    private async Task RemoveAsync(string idOrName, Action<string> system)
    {
        try
        {
            await _engine.RemoveContainerAsync(idOrName, CancellationToken.None).ConfigureAwait(false);
        }
        catch (MlpException e)
        {
            system($"docker container {idOrName} could not be removed ({e.Message}); remove it with `docker rm -f {idOrName}`.");
        }
    }

    private string EngineHost() => _engine.Endpoint.SocketPath is not null ? Environment.MachineName : _engine.Endpoint.BaseAddress.Host;
}
