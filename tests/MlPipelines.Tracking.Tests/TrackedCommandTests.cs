using System.Diagnostics;
using MlPipelines.Compute;
using MlPipelines.Core.Runs;
using MlPipelines.Tracking.Processes;

namespace MlPipelines.Tracking.Tests;

public class TrackedCommandTests
{
    private static async Task<(RunInfo Run, TrackedCommandResult Result, List<OutputLine> Echo)> RunBash(TempWorkspace tmp, string script, CancellationToken ct = default, TimeSpan? timeout = null)
    {
        var run = tmp.Workspace.Runs.CreateRun(new NewRun("exp", "bash"));
        var echo = new List<OutputLine>();
        var result = await TrackedCommand.RunAsync(tmp.Workspace, new LocalProcessTarget(), new TrackedCommandRequest
        {
            RunId = run.Id,
            Job = new ComputeJob("bash", ["-c", script]) { WorkingDirectory = tmp.Root, Timeout = timeout },
            OutputDirectory = Path.Combine(tmp.Root, "out", run.Id),
        }, l => { lock (echo) echo.Add(l); }, ct);
        return (tmp.Workspace.Runs.GetRun(run.Id), result, echo);
    }

    [Fact]
    public async Task RunAsync_CommandNotFound_RunFailedAtOnceWithTheReason()
    {
        using var tmp = new TempWorkspace();
        var run = tmp.Workspace.Runs.CreateRun(new NewRun("exp", "missing"));
        var e = await Assert.ThrowsAsync<Core.Errors.MlpException>(() => TrackedCommand.RunAsync(tmp.Workspace, new LocalProcessTarget(), new TrackedCommandRequest
        {
            RunId = run.Id,
            Job = new ComputeJob("nonexistentcmd-xyz", []) { WorkingDirectory = tmp.Root },
            OutputDirectory = Path.Combine(tmp.Root, "out", run.Id),
        }, null, CancellationToken.None));

        Assert.Equal(Core.Errors.ErrorKind.InvalidInput, e.Kind);
        var info = tmp.Workspace.Runs.GetRun(run.Id);
        Assert.Equal(RunStatus.Failed, info.Status);
        Assert.Equal(e.Message, info.StatusReason);
    }

    [Fact]
    public async Task RunAsync_ProtocolLines_RecordedAsMetricsParamsTagsAndTables()
    {
        using var tmp = new TempWorkspace();
        var (run, result, _) = await RunBash(tmp, """
            echo '##mlp[param name=lr]0.1'
            echo '##mlp[tag name=team]vision'
            for i in 1 2 3; do echo "##mlp[metric name=acc step=$i]0.9$i"; done
            echo '##mlp[metric name=loss]Infinity'
            echo '##mlp[table name=confusion][{"a":1}]'
            echo plain line
            """);
        Assert.True(result.Compute.Succeeded);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("0.1", run.Params["lr"]);
        Assert.Equal("vision", run.Tags["team"]);
        Assert.Equal(0.93, run.LatestMetrics["acc"]);
        Assert.True(double.IsPositiveInfinity(run.LatestMetrics["loss"]));
        Assert.Single(tmp.Workspace.Runs.GetTables(run.Id));
        Assert.Contains(tmp.Workspace.Runs.GetLogs(run.Id), l => l.Text == "plain line");
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public async Task RunAsync_MalformedMetric_KeptInLogAndWarnedNotFatal()
    {
        using var tmp = new TempWorkspace();
        var (run, result, echo) = await RunBash(tmp, "echo '##mlp[metric name=acc]abc'; echo '##mlp[metric name=acc]0.5'");
        Assert.Equal(RunStatus.Completed, run.Status);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("##mlp[metric name=acc]abc", warning);
        Assert.Contains(tmp.Workspace.Runs.GetLogs(run.Id), l => l.Text == "##mlp[metric name=acc]abc");
        Assert.Contains(echo, l => l.Stream == LogStream.System);
        Assert.Equal(0.5, run.LatestMetrics["acc"]);
    }

    [Fact]
    public async Task RunAsync_FilesInOutputDir_BecomeOutputs_ImagesStored()
    {
        using var tmp = new TempWorkspace();
        var (run, _, _) = await RunBash(tmp, """
            mkdir -p "$MLP_OUTPUT_DIR/model" && echo w > "$MLP_OUTPUT_DIR/model/weights.bin"
            printf '<svg xmlns="http://www.w3.org/2000/svg"/>' > "$MLP_OUTPUT_DIR/roc.svg"
            echo '##mlp[image name=roc]roc.svg'
            test -n "$MLP_RUN_ID" && test -n "$MLP_WORKSPACE" && test "$MLP_EXPERIMENT" = exp
            """);
        Assert.Equal(RunStatus.Completed, run.Status);
        var outputs = tmp.Workspace.Runs.GetOutputs(run.Id).Select(o => o.Path).Order().ToList();
        Assert.Equal(["model/weights.bin", "roc.svg"], outputs);
        Assert.Equal("image/svg+xml", tmp.Workspace.Runs.GetImages(run.Id).Single().MediaType);
    }

    [Fact]
    public async Task RunAsync_OutputPathWithDotDot_WarnsAndStoresNothingOutside()
    {
        using var tmp = new TempWorkspace();
        var (run, result, _) = await RunBash(tmp, "echo '##mlp[output name=x]../../etc/passwd'");
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Contains("..", Assert.Single(result.Warnings));
        Assert.Empty(tmp.Workspace.Runs.GetOutputs(run.Id));
    }

    [Fact]
    public async Task RunAsync_NonZeroExit_FailedWithExitCodeReason()
    {
        using var tmp = new TempWorkspace();
        var (run, _, _) = await RunBash(tmp, "echo oops >&2; exit 3");
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("exit code 3", run.StatusReason);
        Assert.Contains(tmp.Workspace.Runs.GetLogs(run.Id), l => l.Stream == LogStream.Stderr && l.Text == "oops");
    }

    [Fact]
    public async Task RunAsync_Canceled_KillsProcessTreeAndRunCanceled()
    {
        using var tmp = new TempWorkspace();
        var marker = Path.Combine(tmp.Root, "pids");
        using var cts = new CancellationTokenSource();
        var task = RunBash(tmp, $"sleep 300 & echo $! > {marker}; echo started; wait", cts.Token);
        var sw = Stopwatch.StartNew();
        while (!File.Exists(marker) && sw.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(50);
        cts.Cancel();
        var (run, result, _) = await task;
        Assert.True(result.Compute.Canceled);
        Assert.Equal(RunStatus.Canceled, run.Status);
        var grandchild = int.Parse(File.ReadAllText(marker).Trim());
        await Task.Delay(200);
        Assert.False(Directory.Exists($"/proc/{grandchild}") && !File.ReadAllText($"/proc/{grandchild}/stat").Contains(") Z "), "grandchild 'sleep' still alive");
    }
}
