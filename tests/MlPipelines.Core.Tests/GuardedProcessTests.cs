using System.Diagnostics;
using MlPipelines.Core.Processes;

namespace MlPipelines.Core.Tests;

/// <summary>The one process guard of local compute jobs and endpoint instances, with real processes (Linux).</summary>
public sealed class GuardedProcessTests
{
    [Fact]
    public async Task Apply_ProgramExitsWhileLifelineOpen_OutputEndsAtOnceWithItsExitCode()
    {
        // The watcher lives until the lifeline closes; it must not keep the program's output pipes open meanwhile.
        var psi = new ProcessStartInfo { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        GuardedProcess.Apply(psi, "/bin/bash", ["-c", "echo done; echo oops >&2; exit 4"]);
        using var process = Process.Start(psi)!;

        var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var error = await process.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("done\n", output);
        Assert.Equal("oops\n", error);
        Assert.Equal(4, process.ExitCode);
        process.StandardInput.Close();
    }

    [Fact]
    public async Task Start_Program_MergesOutputInOrderLeadsItsOwnGroupAndReportsItsExitCode()
    {
        var lines = new List<string>();
        using var started = GuardedProcess.Start("/bin/bash", ["-c", "echo out; echo err >&2; echo \"$$ $(cut -d' ' -f5 /proc/$$/stat) $MLP_TEST_VALUE\"; exit 3"],
            Path.GetTempPath(), new Dictionary<string, string> { ["MLP_TEST_VALUE"] = "seen" }, l => { lock (lines) lines.Add(l); });

        await started.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await WaitUntilAsync(() => { lock (lines) return lines.Count == 3; });

        Assert.Equal(3, started.Process.ExitCode);
        lock (lines) Assert.Equal(["out", "err", $"{started.Pid} {started.Pid} seen"], lines);
    }

    [Fact]
    public async Task Start_LifelineClosed_KillsProgramAndGrandchildren()
    {
        var grandchild = new TaskCompletionSource<int>();
        using var started = GuardedProcess.Start("/bin/bash", ["-c", "sleep 300 & echo $!; sleep 301"], Path.GetTempPath(),
            new Dictionary<string, string>(), l => grandchild.TrySetResult(int.Parse(l)));
        var sleeper = await grandchild.Task.WaitAsync(TimeSpan.FromSeconds(10));

        started.Process.StandardInput.Close(); // what the kernel does to the pipe when the parent dies, even by SIGKILL

        await WaitUntilAsync(() => !IsAlive(started.Pid) && !IsAlive(sleeper));
        Assert.False(IsAlive(sleeper), "the grandchild outlived its guard's parent");
        Assert.True(started.Process.WaitForExit(5000), "the guarded process did not exit");
    }

    [Fact]
    public async Task Kill_ProgramWithGrandchild_KillsTheWholeGroup()
    {
        var grandchild = new TaskCompletionSource<int>();
        using var started = GuardedProcess.Start("/bin/bash", ["-c", "sleep 300 & echo $!; sleep 301"], Path.GetTempPath(),
            new Dictionary<string, string>(), l => grandchild.TrySetResult(int.Parse(l)));
        var sleeper = await grandchild.Task.WaitAsync(TimeSpan.FromSeconds(10));

        started.Kill();

        Assert.True(started.Process.WaitForExit(5000), "the guarded process did not exit");
        await WaitUntilAsync(() => !IsAlive(sleeper));
        Assert.False(IsAlive(sleeper));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition() && watch.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20);
    }

    /// <summary>True while the process exists and is not a zombie.</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException) { return false; }
    }
}
