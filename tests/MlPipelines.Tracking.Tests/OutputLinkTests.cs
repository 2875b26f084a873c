using System.Net.Sockets;
using MlPipelines.Compute;
using MlPipelines.Core.Runs;
using MlPipelines.Tracking.Processes;

namespace MlPipelines.Tracking.Tests;

/// <summary>Links in <c>$MLP_OUTPUT_DIR</c> and named outputs never bring outside files in; output collection is all-or-nothing.</summary>
public class OutputLinkTests
{
    private static async Task<(RunInfo Run, TrackedCommandResult Result, List<OutputLine> Echo, string OutDir)> RunBash(TempWorkspace tmp, string script, Action<string>? prepareOutDir = null)
    {
        var run = tmp.Workspace.Runs.CreateRun(new NewRun("exp", "bash"));
        var outDir = Path.Combine(tmp.Root, "out", run.Id);
        Directory.CreateDirectory(outDir);
        prepareOutDir?.Invoke(outDir);
        var echo = new List<OutputLine>();
        var result = await TrackedCommand.RunAsync(tmp.Workspace, new LocalProcessTarget(), new TrackedCommandRequest
        {
            RunId = run.Id,
            Job = new ComputeJob("bash", ["-c", script]) { WorkingDirectory = tmp.Root },
            OutputDirectory = outDir,
        }, l => { lock (echo) echo.Add(l); }, CancellationToken.None);
        return (tmp.Workspace.Runs.GetRun(run.Id), result, echo, outDir);
    }

    /// <summary>A Unix socket file (kept until disposed): opening it for reading fails (ENXIO), even for root.</summary>
    internal static Socket MakeUnreadable(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    [Fact]
    public async Task RunAsync_LinksInOutputDir_InsideStoredOthersSkippedWithWarnings()
    {
        using var tmp = new TempWorkspace();
        var (run, result, echo, _) = await RunBash(tmp, """
            cd "$MLP_OUTPUT_DIR"
            echo alpha > a.txt
            ln -s a.txt inside.txt
            ln -s /etc/passwd passwd
            ln -s /etc etc
            ln -s nowhere dead
            ln -s loop2 loop1; ln -s loop1 loop2
            """);
        Assert.Equal(RunStatus.Completed, run.Status);
        var outputs = tmp.Workspace.Runs.GetOutputs(run.Id);
        Assert.Equal(["a.txt", "inside.txt"], outputs.Select(o => o.Path));
        Assert.Equal(outputs[0].Hash, outputs[1].Hash);
        Assert.Equal(5, result.Warnings.Count);
        Assert.Contains(result.Warnings, w => w.Contains("'passwd' → '/etc/passwd'"));
        Assert.Contains(result.Warnings, w => w.Contains("'etc' → '/etc'"));
        Assert.Contains(result.Warnings, w => w.Contains("'dead' → 'nowhere'"));
        Assert.Contains(echo, l => l.Stream == LogStream.System && l.Text.Contains("'passwd' → '/etc/passwd'"));
        Assert.Contains(tmp.Workspace.Runs.GetLogs(run.Id), l => l.Stream == LogStream.System && l.Text.StartsWith("warning: Skipped symbolic link 'loop1'"));
    }

    [Fact]
    public async Task RunAsync_NamedOutputIsLinkOutOfWorkingFolder_SkippedWithWarning()
    {
        using var tmp = new TempWorkspace();
        var (run, result, _, _) = await RunBash(tmp, """
            ln -s /etc/passwd link
            ln -s /etc etclink
            echo '##mlp[output name=x]link'
            echo '##mlp[output name=y]etclink'
            """);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Empty(tmp.Workspace.Runs.GetOutputs(run.Id));
        Assert.DoesNotContain(run.Tags.Keys, k => k.StartsWith("mlp.output.", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Contains("'link' → '/etc/passwd'"));
        Assert.Contains(result.Warnings, w => w.Contains("'etclink' → '/etc'"));
    }

    [Fact]
    public async Task RunAsync_NamedOutputLinkInsideWorkingFolder_StoredAsTheFile()
    {
        using var tmp = new TempWorkspace();
        var (run, result, _, _) = await RunBash(tmp, "echo w > model.bin; ln -s model.bin best; echo '##mlp[output name=best]best'");
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(["best"], tmp.Workspace.Runs.GetOutputs(run.Id).Select(o => o.Path));
        Assert.Equal("best", run.Tags["mlp.output.best"]);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public async Task RunAsync_OutputUnreadableMidWay_FailedWithReasonAndNoOutputsRecorded()
    {
        using var tmp = new TempWorkspace();
        Socket? unreadable = null;
        var (run, result, _, _) = await RunBash(tmp, """
            echo a > "$MLP_OUTPUT_DIR/a.txt"; echo z > "$MLP_OUTPUT_DIR/z.txt"
            echo w > named.bin; echo '##mlp[output name=m]named.bin'
            """, outDir => unreadable = MakeUnreadable(Path.Combine(outDir, "m.sock")));
        unreadable?.Dispose();
        Assert.True(result.Compute.Succeeded);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("'m.sock'", run.StatusReason);
        Assert.Contains("no outputs were recorded", run.StatusReason);
        Assert.NotNull(result.OutputFailure);
        Assert.Empty(tmp.Workspace.Runs.GetOutputs(run.Id));
        Assert.DoesNotContain(run.Tags.Keys, k => k.StartsWith("mlp.output.", StringComparison.Ordinal));
    }
}
