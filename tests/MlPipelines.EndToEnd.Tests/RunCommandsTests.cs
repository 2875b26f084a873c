using System.Diagnostics;
using System.Text.Json;
using MlPipelines.Core.Runs;
using MlPipelines.Workspace;

namespace MlPipelines.EndToEnd.Tests;

public class RunCommandsTests
{
    private const string TrainScript = """
        #!/bin/bash
        echo "##mlp[param name=lr]$1"
        for i in 1 2 3; do echo "##mlp[metric name=accuracy step=$i]$2"; done
        mkdir -p "$MLP_OUTPUT_DIR/model" && echo "weights $1" > "$MLP_OUTPUT_DIR/model/weights.txt"
        """;

    [Fact]
    public void Submit_ThenFilterOrderAndDownload_FindsBestRunOutputs()
    {
        using var dir = new TempDir();
        dir.Write("train.sh", TrainScript);
        Assert.Equal(0, Mlp.Run(dir.Path, "workspace", "init").ExitCode);
        foreach (var (lr, acc) in new[] { ("0.1", "0.81"), ("0.2", "0.95"), ("0.3", "0.90") })
        {
            var r = Mlp.Run(dir.Path, "run", "submit", "--experiment", "iris", "--param", $"lr={lr}", "--", "./train.sh", lr, acc);
            Assert.True(r.ExitCode == 0, r.ToString());
        }
        var list = Mlp.Run(dir.Path, "run", "list", "--experiment", "iris", "--filter", "metrics.accuracy >= 0.9 and (params.lr = '0.2' or params.lr = '0.3')",
            "--order-by", "metrics.accuracy desc", "--format", "json");
        Assert.True(list.ExitCode == 0, list.ToString());
        var runs = JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(["0.2", "0.3"], runs.Select(r => r.GetProperty("params").GetProperty("lr").GetString()));
        var best = runs[0].GetProperty("id").GetString()!;

        var download = Mlp.Run(dir.Path, "run", "download", best, "--output", "best");
        Assert.True(download.ExitCode == 0, download.ToString());
        Assert.Equal("weights 0.2", File.ReadAllText(Path.Combine(dir.Path, "best", "model", "weights.txt")).Trim());

        var snapshot = Mlp.Run(dir.Path, "run", "download", best, "--snapshot", "--output", "src");
        Assert.True(snapshot.ExitCode == 0, snapshot.ToString());
        Assert.True(File.Exists(Path.Combine(dir.Path, "src", "train.sh")));
    }

    [Fact]
    public void List_FilterSyntaxError_Exit2WithCaret()
    {
        using var dir = new TempDir();
        Mlp.Run(dir.Path, "workspace", "init");
        var r = Mlp.Run(dir.Path, "run", "list", "--filter", "metrics.acc >> 1");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("column", r.Stderr);
        Assert.Contains("^", r.Stderr);
    }

    [Fact]
    public void AnyCommand_NoWorkspace_Exit2NamingAllThreeSources()
    {
        using var dir = new TempDir();
        var r = Mlp.Run(dir.Path, "run", "list");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--workspace", r.Stderr);
        Assert.Contains("MLP_WORKSPACE", r.Stderr);
        Assert.Contains(".mlp", r.Stderr);
    }

    [Fact]
    public void Submit_InvalidExperimentName_Exit2AndNoRunCreated()
    {
        using var dir = new TempDir();
        Mlp.Run(dir.Path, "workspace", "init");
        var r = Mlp.Run(dir.Path, "run", "submit", "--experiment", "bad name", "--", "true");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("'bad name'", r.Stderr);
        using var ws = LocalWorkspace.Open(dir.Path);
        Assert.Equal(0, ws.Stats().Runs);
    }

    [Fact]
    public void Submit_FailingCommand_Exit1AndRunFailed()
    {
        using var dir = new TempDir();
        Mlp.Run(dir.Path, "workspace", "init");
        var r = Mlp.Run(dir.Path, "run", "submit", "-e", "x", "--format", "json", "--", "bash", "-c", "exit 4");
        Assert.Equal(1, r.ExitCode);
        var run = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal("Failed", run.GetProperty("status").GetString());
        Assert.Equal("exit code 4", run.GetProperty("statusReason").GetString());
    }

    [Fact]
    public async Task Cancel_FromAnotherProcess_KillsTreeAndSubmitExits130()
    {
        using var dir = new TempDir();
        Mlp.Run(dir.Path, "workspace", "init");
        var pidFile = Path.Combine(dir.Path, "child.pid");
        using var submit = Process.Start(Mlp.StartInfo(dir.Path, ["run", "submit", "-e", "x", "--", "bash", "-c", $"sleep 300 & echo $! > {pidFile}; wait"]))!;
        var sw = Stopwatch.StartNew();
        while (!File.Exists(pidFile) && sw.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(100);
        using var ws = LocalWorkspace.Open(dir.Path);
        var run = ws.Runs.QueryRuns(new RunQuery { Experiment = "x" }).Single();
        var cancel = Mlp.Run(dir.Path, "run", "cancel", run.Id);
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.True(submit.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Equal(130, submit.ExitCode);
        Assert.Equal(RunStatus.Canceled, ws.Runs.GetRun(run.Id).Status);
        var sleeper = File.ReadAllText(pidFile).Trim();
        Assert.False(Directory.Exists($"/proc/{sleeper}") && !File.ReadAllText($"/proc/{sleeper}/stat").Contains(") Z "));
    }

    [Fact]
    public async Task Submit_KilledWithSigkill_WorkspaceReadableAndRunReadsLost()
    {
        using var dir = new TempDir();
        Mlp.Run(dir.Path, "workspace", "init");
        dir.Write("log.sh", "#!/bin/bash\nfor i in $(seq 1 100000); do echo \"##mlp[metric name=m step=$i]$i\"; done; sleep 300\n");
        using var submit = Process.Start(Mlp.StartInfo(dir.Path, ["run", "submit", "-e", "x", "--", "./log.sh"]))!;
        submit.StandardOutput.BaseStream.CopyToAsync(Stream.Null).ToString();
        // Wait for the run and some acknowledged metrics (a loaded machine starts mlp slowly), then kill mid-stream.
        var runId = "";
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            using var probe = LocalWorkspace.Open(dir.Path);
            if (probe.Runs.QueryRuns(new RunQuery { Experiment = "x" }).SingleOrDefault() is { } r && probe.Runs.GetMetrics(r.Id, "m").Count > 0) { runId = r.Id; break; }
        }
        Assert.True(runId.Length > 0, "the submitted run logged nothing within 60 s");
        Process.Start("kill", ["-9", submit.Id.ToString()])!.WaitForExit();
        submit.WaitForExit();

        using var ws = LocalWorkspace.Open(dir.Path, new LocalWorkspaceOptions { HeartbeatTimeout = TimeSpan.FromMilliseconds(500) });
        await Task.Delay(1000);
        var run = ws.Runs.GetRun(runId);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("lost", run.StatusReason);
        // Whatever was acknowledged (committed) is a gap-free prefix of the series.
        var points = ws.Runs.GetMetrics(runId, "m");
        Assert.Equal(Enumerable.Range(1, points.Count).Select(i => (double)i), points.Select(p => p.Value));
        Assert.Equal(1, ws.Stats().Runs);
        Process.Start("pkill", ["-f", Path.Combine(dir.Path, "log.sh")])!.WaitForExit();
    }

    [Fact]
    public void Submit_CommandNotFound_RunFailedAtOnceWithReasonAndExit2()
    {
        using var dir = new TempDir();
        Mlp.Run(dir.Path, "workspace", "init");
        var r = Mlp.Run(dir.Path, "run", "submit", "-e", "x", "--", "nonexistentcmd-xyz", "--flag");

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("'nonexistentcmd-xyz' was not found on PATH", r.Stderr);
        using var ws = LocalWorkspace.Open(dir.Path);
        var run = ws.Runs.QueryRuns(new RunQuery { Experiment = "x" }).Single();
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("was not found on PATH", run.StatusReason);
        Assert.NotNull(run.EndedAt);
    }

    [Fact]
    public async Task Submit_KilledWithSigkill_NoProcessOfTheRunSurvivesAndRunReadsLostWithin15s()
    {
        using var dir = new TempDir();
        Mlp.Run(dir.Path, "workspace", "init");
        dir.Write("job.sh", "#!/bin/bash\nsleep 300 &\nbash -c 'sleep 302' &\nsleep 301\n");
        using var submit = Process.Start(Mlp.StartInfo(dir.Path, ["run", "submit", "-e", "x", "--", "./job.sh"]))!;
        _ = submit.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        _ = submit.StandardError.BaseStream.CopyToAsync(Stream.Null);
        string runId;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline && !submit.HasExited, "the run did not start its processes");
            using (var probe = LocalWorkspace.Open(dir.Path))
                runId = probe.Runs.QueryRuns(new RunQuery { Experiment = "x" }).SingleOrDefault()?.Id ?? "";
            if (runId.Length > 0 && RunProcesses(runId).Count >= 4) break;
            await Task.Delay(100);
        }

        Process.Start("kill", ["-9", submit.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        var killedAt = DateTime.UtcNow;
        submit.WaitForExit();

        while (RunProcesses(runId).Count > 0 && DateTime.UtcNow < killedAt + TimeSpan.FromSeconds(5)) await Task.Delay(50);
        Assert.Empty(RunProcesses(runId));

        // Default heartbeat settings: the dead run must read Failed (lost) within 15 s of the kill.
        RunInfo run;
        using var ws = LocalWorkspace.Open(dir.Path);
        while ((run = ws.Runs.GetRun(runId)).Status == RunStatus.Running && DateTime.UtcNow < killedAt + TimeSpan.FromSeconds(15)) await Task.Delay(200);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("lost", run.StatusReason);
        Assert.NotNull(run.HeartbeatAt);
        Assert.Equal(run.HeartbeatAt, run.EndedAt);
        Assert.True(run.Duration > TimeSpan.Zero, $"duration {run.Duration}");
        Assert.Single(ws.Runs.QueryRuns(new RunQuery { Experiment = "x", Filter = "attributes.duration < 60" }));
    }

    /// <summary>Live processes of a run: every process of a job inherits MLP_RUN_ID, wherever it is re-parented.</summary>
    private static List<int> RunProcesses(string runId)
    {
        var needle = "MLP_RUN_ID=" + runId + "\0";
        var pids = new List<int>();
        foreach (var d in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(d), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(d, "environ")).Contains(needle, StringComparison.Ordinal)
                    && !File.ReadAllText(Path.Combine(d, "stat")).Contains(") Z ", StringComparison.Ordinal)) pids.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return pids;
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void WorkspaceInit_UnderUmask000_FoldersOwnerOnlyAndShowDoesNotWarn()
    {
        using var dir = new TempDir();
        var psi = Mlp.StartInfo(dir.Path, []);
        psi.FileName = "/bin/bash";
        psi.ArgumentList.Clear();
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("umask 000 && dotnet \"$0\" workspace init && dotnet \"$0\" run submit -e x -- bash -c 'echo hi > \"$MLP_OUTPUT_DIR/out.txt\"'");
        psi.ArgumentList.Add(Mlp.Dll);
        using (var p = System.Diagnostics.Process.Start(psi)!)
        {
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
        }

        var root = Path.Combine(dir.Path, ".mlp");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(root));
        // .mlp itself is 0700 (nothing below it is reachable by others); the database and the artifacts are owner-only too.
        var stored = Directory.EnumerateFileSystemEntries(Path.Combine(root, "artifacts"), "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(root, "workspace.db*")).ToList();
        Assert.NotEmpty(stored);
        foreach (var f in stored)
            Assert.True((File.GetUnixFileMode(f) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) == 0,
                $"'{f}' is readable or writable by others: {File.GetUnixFileMode(f)}");
        var show = Mlp.Run(dir.Path, "workspace", "show");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.DoesNotContain("chmod", show.Stderr);
    }
}
