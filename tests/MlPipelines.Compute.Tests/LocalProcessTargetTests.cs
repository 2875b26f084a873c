using System.Diagnostics;
using MlPipelines.Compute;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Processes;
using MlPipelines.Core.Runs;

namespace MlPipelines.Compute.Tests;

public sealed class LocalProcessTargetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlp-compute-").FullName;
    private readonly LocalProcessTarget _target = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ComputeJob Bash(string script) => new("bash", ["-c", script]);

    [Fact]
    public async Task RunAsync_WritesBothStreams_StreamsLinesWithStreamAndExitCode()
    {
        var lines = new List<OutputLine>();
        int? pid = null;
        var result = await _target.RunAsync(Bash("echo out1; echo err1 >&2; echo out2; exit 3"),
            new ComputeObserver { OnOutput = lines.Add, OnStarted = s => pid = s.ProcessId }, CancellationToken.None);

        Assert.Equal(3, result.ExitCode);
        Assert.False(result.Succeeded);
        Assert.Equal("exit code 3", result.Reason());
        Assert.NotNull(pid);
        Assert.Equal(["out1", "out2"], lines.Where(l => l.Stream == LogStream.Stdout).Select(l => l.Text));
        Assert.Equal(["err1"], lines.Where(l => l.Stream == LogStream.Stderr).Select(l => l.Text));
    }

    [Fact]
    public async Task RunAsync_EnvironmentAndWorkingDirectory_ArePassed()
    {
        var lines = new List<string>();
        var job = Bash("echo \"$MY_VAR\"; pwd") with { WorkingDirectory = _dir, Environment = new Dictionary<string, string?> { ["MY_VAR"] = "hello world" } };
        var result = await _target.RunAsync(job, new ComputeObserver { OnOutput = l => lines.Add(l.Text) }, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal(["hello world", Path.GetFullPath(_dir)], lines);
    }

    [Fact]
    public async Task RunAsync_LinesArrive_BeforeProcessEnds()
    {
        var firstLine = new TaskCompletionSource<DateTimeOffset>();
        var sw = Stopwatch.StartNew();
        var run = _target.RunAsync(Bash("echo early; sleep 1.5; echo late"),
            new ComputeObserver { OnOutput = l => { if (l.Text == "early") firstLine.TrySetResult(l.Timestamp); } }, CancellationToken.None);

        await firstLine.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var firstAt = sw.Elapsed;
        var result = await run;
        Assert.True(result.Succeeded);
        Assert.True(firstAt < TimeSpan.FromSeconds(1.2), $"first line arrived after {firstAt}");
    }

    [Fact]
    public async Task RunAsync_Canceled_KillsGrandchildren()
    {
        var pidFile = Path.Combine(_dir, "bg.pid");
        using var cts = new CancellationTokenSource();
        var started = new TaskCompletionSource<int>();
        var job = Bash($"sleep 100 & echo $! > '{pidFile}'; echo ready; sleep 100") with { KillGracePeriod = TimeSpan.FromMilliseconds(500) };
        var run = _target.RunAsync(job, new ComputeObserver
        {
            OnStarted = s => started.TrySetResult(s.ProcessId),
            OnOutput = l => { if (l.Text == "ready") cts.Cancel(); },
        }, cts.Token);

        var result = await run.WaitAsync(TimeSpan.FromSeconds(20));
        var rootPid = await started.Task;
        var grandchild = int.Parse(File.ReadAllText(pidFile).Trim());

        Assert.True(result.Canceled);
        Assert.False(result.Succeeded);
        Assert.False(ProcessTree.IsAlive(rootPid), "root process still alive");
        Assert.False(ProcessTree.IsAlive(grandchild), $"grandchild {grandchild} still alive");
    }

    [Fact]
    public async Task RunAsync_Timeout_KillsTreeAndReportsTimedOut()
    {
        var pidFile = Path.Combine(_dir, "bg.pid");
        var job = Bash($"sleep 100 & echo $! > '{pidFile}'; sleep 100") with
        {
            Timeout = TimeSpan.FromMilliseconds(700),
            KillGracePeriod = TimeSpan.FromMilliseconds(300),
        };
        var sw = Stopwatch.StartNew();
        var result = await _target.RunAsync(job, ComputeObserver.None, CancellationToken.None);

        Assert.True(result.TimedOut);
        Assert.False(result.Canceled);
        Assert.StartsWith("timed out after", result.Reason(job.Timeout));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10));
        Assert.False(ProcessTree.IsAlive(int.Parse(File.ReadAllText(pidFile).Trim())));
    }

    [Fact]
    public async Task RunAsync_BackgroundProcessLeftBehind_IsKilledAndRunReturns()
    {
        var lines = new List<string>();
        var sw = Stopwatch.StartNew();
        var result = await _target.RunAsync(Bash("sleep 100 & echo $!"), new ComputeObserver { OnOutput = l => lines.Add(l.Text) }, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"took {sw.Elapsed}");
        var bg = int.Parse(Assert.Single(lines));
        await Task.Delay(100);
        Assert.False(ProcessTree.IsAlive(bg));
    }

    [Fact]
    public async Task RunAsync_UnknownProgram_ThrowsInvalidInputNamingIt()
    {
        var e = await Assert.ThrowsAsync<MlpException>(() => _target.RunAsync(new ComputeJob("no-such-program-xyz", []), ComputeObserver.None, CancellationToken.None));
        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains("'no-such-program-xyz' was not found on PATH", e.Message);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task RunAsync_ProgramNotExecutable_ThrowsInvalidInputWithTheFix()
    {
        var script = Path.Combine(_dir, "train.sh");
        File.WriteAllText(script, "#!/bin/sh\necho hi\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var e = await Assert.ThrowsAsync<MlpException>(() => _target.RunAsync(new ComputeJob("./train.sh", []) { WorkingDirectory = _dir }, ComputeObserver.None, CancellationToken.None));
        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains("is not executable", e.Message);
        Assert.Contains("chmod +x", e.Message);
    }

    [Fact]
    public async Task RunAsync_ProgramReadsStdin_GetsEndOfFileAtOnce()
    {
        var lines = new List<string>();
        var result = await _target.RunAsync(Bash("cat; echo \"stdin closed\""), new ComputeObserver { OnOutput = l => lines.Add(l.Text) }, CancellationToken.None);
        Assert.True(result.Succeeded, result.Reason());
        Assert.Equal(["stdin closed"], lines);
    }

    [Fact]
    public async Task GuardedProcess_ParentKilledWithSigkill_KillsJobAndGrandchildren()
    {
        // A parent that starts a guarded job and is then killed -9: a shell whose stdin pipe plays the parent's role.
        var marker = "mlp-guard-test-" + Guid.NewGuid().ToString("N");
        var psi = new ProcessStartInfo { UseShellExecute = false, RedirectStandardOutput = true };
        GuardedProcess.Apply(psi, "/bin/bash", ["-c", $"sleep 300 & sleep 301; : {marker}"]);
        psi.Environment["MLP_GUARD_MARKER"] = marker;
        using var job = Process.Start(psi)!;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (ProcessesWithMarker(marker).Count < 3 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(ProcessesWithMarker(marker).Count >= 3, "job did not start its sleeps");

        job.StandardInput.Close(); // what the kernel does to the pipe when the parent dies

        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (ProcessesWithMarker(marker).Count > 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Empty(ProcessesWithMarker(marker));
    }

    /// <summary>Live processes whose environment carries the marker (children inherit it, wherever they are re-parented).</summary>
    internal static List<int> ProcessesWithMarker(string marker)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "environ")).Contains(marker, StringComparison.Ordinal) && ProcessTree.IsAlive(pid)) pids.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return pids;
    }

    [Fact]
    public async Task KillAsync_ByRecordedPid_KillsWholeGroup()
    {
        var pidFile = Path.Combine(_dir, "bg.pid");
        var started = new TaskCompletionSource<int>();
        var ready = new TaskCompletionSource();
        var run = _target.RunAsync(Bash($"sleep 100 & echo $! > '{pidFile}'; echo ready; sleep 100"),
            new ComputeObserver { OnStarted = s => started.TrySetResult(s.ProcessId), OnOutput = l => { if (l.Text == "ready") ready.TrySetResult(); } },
            CancellationToken.None);
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await ProcessTree.KillAsync(await started.Task, TimeSpan.FromMilliseconds(500));
        var result = await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotEqual(0, result.ExitCode);
        Assert.False(ProcessTree.IsAlive(int.Parse(File.ReadAllText(pidFile).Trim())));
    }

    [Fact]
    public void Registry_UnknownTarget_ListsAvailable()
    {
        var registry = ComputeTargetRegistry.CreateDefault();
        var e = Assert.Throws<MlpException>(() => registry.Get("slurm"));
        Assert.Contains("'slurm'", e.Message);
        Assert.Contains("'local'", e.Message);
        Assert.Same(registry.Get("local"), registry.Get("local"));
    }
}
