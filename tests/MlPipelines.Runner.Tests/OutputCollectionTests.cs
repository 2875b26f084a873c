using System.Net.Sockets;
using MlPipelines.Core.Runs;

namespace MlPipelines.Runner.Tests;

/// <summary>A step's declared outputs: links out of the folder are skipped with a warning; collection is all-or-nothing.</summary>
public sealed class OutputCollectionTests : IDisposable
{
    private readonly RunnerFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task RunAsync_StepOutputWithLinks_InsideStoredOthersSkippedWithWarningInRunLog()
    {
        var result = await _f.RunAsync(new LinkOutputPipeline(_f.File("no.sock")));

        Assert.Equal(RunStatus.Completed, result.Status);
        var runId = result["links"].RunId!;
        Assert.Equal(["model/a.txt", "model/inside.txt"], _f.Workspace.Runs.GetOutputs(runId).Select(o => o.Path));
        var warnings = _f.Workspace.Runs.GetLogs(runId).Where(l => l.Stream == LogStream.System && l.Text.StartsWith("warning: Skipped symbolic link", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, warnings.Count);
        Assert.Contains(warnings, l => l.Text.Contains("'model/passwd' → '/etc/passwd'"));
        Assert.Contains(warnings, l => l.Text.Contains("'model/etc' → '/etc'"));
        Assert.Contains(warnings, l => l.Text.Contains("'model/dead' → 'nowhere'"));
    }

    [Fact]
    public async Task RunAsync_StepOutputUnreadableMidWay_FailedWithReasonAndNoOutputsRecorded()
    {
        var socketPath = _f.File("s.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));

        var result = await _f.RunAsync(new LinkOutputPipeline(socketPath));

        Assert.Equal(RunStatus.Failed, result["links"].Status);
        Assert.Contains("'model/z.sock'", result["links"].Reason);
        Assert.Contains("no outputs were recorded", result["links"].Reason);
        Assert.Empty(_f.Workspace.Runs.GetOutputs(result["links"].RunId!));
    }
}
