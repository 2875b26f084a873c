using MlPipelines.Compute;
using MlPipelines.Core.Runs;

namespace MlPipelines.Compute.Tests;

/// <summary>How a local process's output bytes become lines: line ends as StreamReader, invalid UTF-8 flagged per line.</summary>
public sealed class OutputDecodingTests
{
    private static async Task<List<OutputLine>> StdoutOf(string printfFormat)
    {
        var lines = new List<OutputLine>();
        await new LocalProcessTarget().RunAsync(new ComputeJob("bash", ["-c", $"printf '{printfFormat}'"]),
            new ComputeObserver { OnOutput = lines.Add }, CancellationToken.None);
        return lines.Where(l => l.Stream == LogStream.Stdout).ToList();
    }

    [Fact]
    public async Task RunAsync_InvalidUtf8Byte_LineReplacedAndFlagged()
    {
        var lines = await StdoutOf(@"good é\n##mlp[tag name=t]a\xffb\n");

        Assert.Equal(["good é", "##mlp[tag name=t]a\uFFFDb"], lines.Select(l => l.Text));
        Assert.Equal([false, true], lines.Select(l => l.InvalidUtf8));
    }

    [Fact]
    public async Task RunAsync_MixedLineEndingsAndNoFinalNewline_SplitLikeReadLine()
    {
        var lines = await StdoutOf(@"a\r\nb\rc\n\nd");

        Assert.Equal(["a", "b", "c", "", "d"], lines.Select(l => l.Text));
        Assert.All(lines, l => Assert.False(l.InvalidUtf8));
    }

    [Fact]
    public async Task RunAsync_LineLongerThanReadBuffer_KeptWhole()
    {
        var lines = new List<OutputLine>();
        await new LocalProcessTarget().RunAsync(new ComputeJob("bash", ["-c", "head -c 200000 /dev/zero | tr '\\0' x; echo; echo end"]),
            new ComputeObserver { OnOutput = lines.Add }, CancellationToken.None);

        Assert.Equal([200000, 3], lines.Where(l => l.Stream == LogStream.Stdout).Select(l => l.Text.Length));
    }
}
