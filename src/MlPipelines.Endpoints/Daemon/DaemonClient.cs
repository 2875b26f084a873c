using System.Diagnostics;
using MlPipelines.Core.Errors;
using MlPipelines.Endpoints.Local;

namespace MlPipelines.Endpoints.Daemon;

/// <summary>Starts, pokes and stops the workspace's endpoint daemon (found through <c>endpoints/daemon.json</c>).</summary>
public sealed class DaemonClient(string scratchDirectory)
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
    private readonly DeploymentPaths _paths = new(scratchDirectory);

    /// <summary>The running daemon (its process is alive and answers), or null.</summary>
    public async Task<DaemonState?> RunningAsync(CancellationToken ct = default)
    {
        var state = DaemonState.Load(_paths.DaemonState);
        if (state is null || !ProcessLiveness.IsAlive(state.Pid)) return null;
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(TimeSpan.FromSeconds(3));
            using var response = await Http.SendAsync(Request(HttpMethod.Get, state, "/ping"), cts.Token);
            return response.IsSuccessStatusCode ? state : null;
        }
        catch (Exception e) when (e is HttpRequestException || e is OperationCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Starts the daemon detached (own session, output to <c>endpoints/daemon.log</c>) unless it runs already.</summary>
    public async Task<DaemonState> EnsureRunningAsync(DaemonCommand command, CancellationToken ct = default)
    {
        if (await RunningAsync(ct) is { } running) return running;
        Directory.CreateDirectory(_paths.Root);
        using var gate = await LockAsync(ct);
        if (await RunningAsync(ct) is { } raced) return raced;
        var psi = new ProcessStartInfo("setsid") { UseShellExecute = false, WorkingDirectory = _paths.Root };
        foreach (var a in new[] { "/bin/sh", "-c", "exec \"$0\" \"$@\" >>\"$MLP_DAEMON_LOG\" 2>&1 </dev/null", command.FileName }.Concat(command.Arguments))
            psi.ArgumentList.Add(a);
        psi.Environment["MLP_DAEMON_LOG"] = _paths.DaemonLog;
        using var process = Process.Start(psi) ?? throw MlpException.Failed($"Could not start the endpoint daemon '{command.FileName}'.");
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (await RunningAsync(ct) is { } state) return state;
            if (process.HasExited && process.ExitCode != 0) break;
            await Task.Delay(100, ct);
        }
        throw MlpException.Failed($"The endpoint daemon did not start ('{command.FileName} {string.Join(' ', command.Arguments)}'); see '{_paths.DaemonLog}'.");
    }

    /// <summary>Asks a running daemon to reconcile now and waits for that pass; false when no daemon runs.</summary>
    public async Task<bool> ReconcileAsync(CancellationToken ct = default)
    {
        if (await RunningAsync(ct) is not { } state) return false;
        using var response = await Http.SendAsync(Request(HttpMethod.Post, state, "/reconcile"), ct);
        return response.IsSuccessStatusCode;
    }

    /// <summary>Stops the daemon and everything it runs; kills its process group when it does not exit within 15 s. False when none ran.</summary>
    public async Task<bool> StopAsync(CancellationToken ct = default)
    {
        var state = DaemonState.Load(_paths.DaemonState);
        if (state is null || !ProcessLiveness.IsAlive(state.Pid)) return false;
        try { using var _ = await Http.SendAsync(Request(HttpMethod.Post, state, "/stop"), ct); }
        catch (HttpRequestException) { /* not answering: the group kill below handles it */ }
        var watch = Stopwatch.StartNew();
        while (ProcessLiveness.IsAlive(state.Pid) && watch.Elapsed < TimeSpan.FromSeconds(15)) await Task.Delay(100, ct);
        if (ProcessLiveness.IsAlive(state.Pid) && OperatingSystem.IsLinux())
        {
            // The daemon leads its own session and process group, so this also takes its instances.
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-KILL", "--", "-" + state.Pid, state.Pid.ToString()]) { UseShellExecute = false });
            kill?.WaitForExit(5000);
        }
        if (DaemonState.Load(_paths.DaemonState)?.Pid == state.Pid) File.Delete(_paths.DaemonState);
        return true;
    }

    private HttpRequestMessage Request(HttpMethod method, DaemonState state, string path)
    {
        var request = new HttpRequestMessage(method, state.AdminAddress + path);
        if (AdminToken.Read(_paths.DaemonToken) is { } token)
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(AdminToken.Scheme, token);
        return request;
    }

    private async Task<FileStream> LockAsync(CancellationToken ct)
    {
        var path = Path.Combine(_paths.Root, "daemon.lock");
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (watch.Elapsed < TimeSpan.FromSeconds(30)) { await Task.Delay(100, ct); }
        }
    }
}
