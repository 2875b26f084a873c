using System.Text;

namespace MlPipelines.Compute.Kubernetes.Tests;

public sealed class KubernetesLogLinesTests
{
    [Fact]
    public async Task ReadLineAsync_MixedEndingsInvalidBytesAndNoFinalNewline_GivesEachLine()
    {
        var bytes = Encoding.UTF8.GetBytes("one\r\ntwo\n\nnaïve\n").Concat(new byte[] { 0x66, 0xFF, 0x0A }).Concat(Encoding.UTF8.GetBytes("last")).ToArray();
        var reader = new KubernetesLogLines(new MemoryStream(bytes));
        var lines = new List<(string, bool)>();

        while (await reader.ReadLineAsync(CancellationToken.None) is { } line) lines.Add(line);

        Assert.Equal([("one", false), ("two", false), ("", false), ("naïve", false), ("f\uFFFD", true), ("last", false)], lines);
    }

    [Fact]
    public async Task ReadLineAsync_LineLongerThanTheBuffer_ComesWhole()
    {
        var text = new string('x', 200_000);
        var reader = new KubernetesLogLines(new MemoryStream(Encoding.UTF8.GetBytes(text + "\nnext\n")));

        Assert.Equal(text, (await reader.ReadLineAsync(CancellationToken.None))!.Value.Text);
        Assert.Equal("next", (await reader.ReadLineAsync(CancellationToken.None))!.Value.Text);
        Assert.Null(await reader.ReadLineAsync(CancellationToken.None));
    }
}
