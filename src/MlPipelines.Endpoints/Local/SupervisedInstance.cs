using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MlPipelines.Core.Processes;

namespace MlPipelines.Endpoints.Local;

/// <summary>
/// One local instance: a process on 127.0.0.1 started from a <see cref="LaunchSpec"/>, restarted with exponential
/// backoff (0.5 s doubling to 30 s, reset after 30 s of good life) whenever it exits. Output goes to the instance log,
/// size-capped and rotated (<see cref="LaunchSpec.LogMaxBytes"/> × <see cref="LaunchSpec.LogFiles"/>).
/// </summary>
internal sealed class SupervisedInstance : IAsyncDisposable
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(500), MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly LaunchSpec _spec;
    private readonly string _logPath, _workDir, _pidPath;
    private readonly RotatingLog _log;
    private readonly string? _secret;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public SupervisedInstance(string id, LaunchSpec spec, string logPath, string workDir, HttpClient http, int preferredPort = 0, string? secret = null)
    {
        _secret = secret;
        Id = id;
        _spec = spec;
        _logPath = logPath;
        _log = new RotatingLog(logPath, spec.LogMaxBytes, spec.LogFiles);
        _pidPath = Path.ChangeExtension(logPath, ".pid");
        _workDir = workDir;
        _http = http;
        Port = preferredPort > 0 ? preferredPort : FreePort();
        _loop = Task.Run(LoopAsync);
    }

    public string Id { get; }
    public int Port { get; private set; }
    public string Address => $"http://127.0.0.1:{Port}";
    public int? ProcessId { get; private set; }
    public int Restarts { get; private set; }
    public DateTimeOffset? LastRestartAt { get; private set; }
    public bool Ready { get; private set; }
    public bool EverReady { get; private set; }
    public int FailedStarts { get; private set; }
    public string? LastError { get; private set; }

    private async Task LoopAsync()
    {
        var backoff = MinBackoff;
        for (var attempt = 0; !_stop.IsCancellationRequested; attempt++)
        {
            GuardedProcess? started = null;
            try
            {
                if (attempt > 0)
                {
                    await Task.Delay(backoff, _stop.Token);
                    Restarts++;
                    LastRestartAt = DateTimeOffset.UtcNow;
                }
                var life = Stopwatch.StartNew();
                started = Start();
                var process = started.Process;
                if (await WaitReadyAsync(process)) { Ready = true; EverReady = true; FailedStarts = 0; }
                else
                {
                    FailedStarts++;
                    LastError = $"instance {Id} did not become ready within {_spec.StartupTimeoutMs} ms; see {_logPath}";
                    started.Kill();
                    Port = FreePort(); // the port may be what failed
                }
                await process.WaitForExitAsync(_stop.Token);
                Ready = false;
                if (EverReady) LastError = $"instance {Id} (pid {started.Pid}) exited with code {process.ExitCode}; see {_logPath}";
                backoff = life.Elapsed > MaxBackoff ? MinBackoff : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
            {
                FailedStarts++;
                LastError = $"instance {Id} could not start: {e.Message}";
            }
            finally
            {
                // Only this loop owns the process object: stopping kills it here, before it is disposed.
                if (started is not null)
                {
                    if (_stop.IsCancellationRequested) started.Kill();
                    started.Dispose();
                }
            }
        }
        Ready = false;
        File.Delete(_pidPath);
    }

    private GuardedProcess Start()
    {
        _log.WriteLine($"--- {DateTimeOffset.UtcNow:O} starting {Id} on port {Port}");
        // Under a guard: the instance dies with this daemon even when the daemon is killed with SIGKILL. Its output is
        // pumped through the daemon into a capped, rotated log (a shell redirect would grow without bound).
        var environment = new Dictionary<string, string>(_spec.Environment) { ["MLP_INSTANCE_LOG"] = _logPath, ["MLP_INSTANCE_ID"] = Id };
        if (_secret is not null) environment[Scoring.Hosting.ScoringHostCommandLine.InstanceSecretEnvironmentVariable] = _secret;
        var started = GuardedProcess.Start(_spec.FileName, _spec.ArgumentsFor(Port), _spec.WorkingDirectory ?? _workDir, environment, _log.WriteLine);
        ProcessId = started.Pid;
        InstancePidFile.Write(_pidPath, started.Pid);
        return started;
    }

    private async Task<bool> WaitReadyAsync(Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.ElapsedMilliseconds < _spec.StartupTimeoutMs && !process.HasExited)
        {
            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                cts.CancelAfter(TimeSpan.FromSeconds(2));
                using var response = await _http.GetAsync(Address + Routing.HealthProber.ReadyPath, cts.Token);
                if (response.IsSuccessStatusCode) return true;
            }
            catch (Exception e) when (e is HttpRequestException || e is OperationCanceledException && !_stop.IsCancellationRequested)
            {
                // not listening yet
            }
            await Task.Delay(100, _stop.Token);
        }
        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
