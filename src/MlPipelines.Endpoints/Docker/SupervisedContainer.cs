using System.Diagnostics;
using MlPipelines.Containers;
using MlPipelines.Core.Endpoints;
using MlPipelines.Core.Errors;

namespace MlPipelines.Endpoints.Docker;

/// <summary>
/// One instance of a docker deployment, watched by the endpoint daemon the way local instances are: its container is
/// inspected and its readiness probed every half second; when it has stopped it is started again after a back-off
/// (0.5 s doubling to 30 s, reset after 30 s of good life) and the restart is counted. The engine may publish the
/// port on a new host port after a restart, so <see cref="Address"/> follows the container.
/// </summary>
internal sealed class SupervisedContainer : IAsyncDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(500), MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly DockerEngineClient _engine;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public SupervisedContainer(DeploymentInstance recorded, DockerEngineClient engine, HttpClient http)
    {
        Id = recorded.Id;
        ContainerId = recorded.ContainerId ?? throw new ArgumentException($"instance '{recorded.Id}' has no container", nameof(recorded));
        Address = recorded.Address;
        Restarts = recorded.Restarts;
        LastRestartAt = recorded.LastRestartAt;
        _engine = engine;
        _http = http;
        _loop = Task.Run(LoopAsync);
    }

    public string Id { get; }
    public string ContainerId { get; }
    public string Address { get; private set; }
    public int Restarts { get; private set; }
    public DateTimeOffset? LastRestartAt { get; private set; }
    public bool Ready { get; private set; }
    /// <summary>True when the container no longer exists: only recreating the deployment brings it back.</summary>
    public bool Gone { get; private set; }
    public string? LastError { get; private set; }
    /// <summary>True once the container has been inspected (and probed) at least once.</summary>
    public bool Checked { get; private set; }

    private string Short => ContainerId.Length > 12 ? ContainerId[..12] : ContainerId;

    private async Task LoopAsync()
    {
        var backoff = MinBackoff;
        var life = Stopwatch.StartNew();
        // A container found stopped when watching begins (after 'mlp endpoint stop' or a reboot) is started, not counted.
        var watching = false;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var state = await _engine.InspectContainerAsync(ContainerId, _stop.Token);
                Gone = false;
                if (state.Running)
                {
                    if (state.HostPort is { } port) Address = $"http://127.0.0.1:{port}";
                    Ready = await AnswersAsync();
                    if (Ready)
                    {
                        LastError = null;
                        if (life.Elapsed > MaxBackoff) backoff = MinBackoff;
                    }
                    else LastError = $"instance {Id} (container {Short}) does not answer {Routing.HealthProber.ReadyPath}";
                }
                else
                {
                    Ready = false;
                    if (watching)
                    {
                        LastError = $"instance {Id} (container {Short}) {state.Status} with exit code {state.ExitCode}; restarting in {backoff.TotalSeconds:0.#} s";
                        await Task.Delay(backoff, _stop.Token);
                        backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                        Restarts++;
                        LastRestartAt = DateTimeOffset.UtcNow;
                    }
                    await _engine.StartContainerAsync(ContainerId, _stop.Token);
                    life.Restart();
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (MlpException e) when (e.Kind == ErrorKind.NotFound)
            {
                Ready = false;
                Gone = true;
                LastError = $"container {Short} of instance {Id} no longer exists; recreate the deployment";
            }
            catch (Exception e) when (e is MlpException or HttpRequestException or IOException)
            {
                Ready = false;
                LastError = $"instance {Id} (container {Short}): {e.Message}";
            }
            watching = true;
            Checked = true;
            try { await Task.Delay(Poll, _stop.Token); }
            catch (OperationCanceledException) { break; }
        }
        Ready = false;
    }

    private async Task<bool> AnswersAsync()
    {
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            cts.CancelAfter(TimeSpan.FromSeconds(2));
            using var response = await _http.GetAsync(Address + Routing.HealthProber.ReadyPath, cts.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException || e is OperationCanceledException && !_stop.IsCancellationRequested)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
