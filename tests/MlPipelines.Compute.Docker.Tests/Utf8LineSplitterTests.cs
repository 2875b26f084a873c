using System.Text;

namespace MlPipelines.Compute.Docker.Tests;

public sealed class Utf8LineSplitterTests
{
    private static readonly byte[] Text = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("héllo €\r\nsecond\rthird\n\nlast 😀")];

    private static List<(string, bool)> Split(byte[] bytes, int chunkSize)
    {
        var lines = new List<(string, bool)>();
        var splitter = new Utf8LineSplitter();
        for (var i = 0; i < bytes.Length; i += chunkSize)
            splitter.Push(bytes.AsSpan(i, Math.Min(chunkSize, bytes.Length - i)), (t, bad) => lines.Add((t, bad)));
        splitter.Complete((t, bad) => lines.Add((t, bad)));
        return lines;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Push_AnyChunkBoundaries_SameLines(int chunkSize)
    {
        Assert.Equal([("héllo €", false), ("second", false), ("third", false), ("", false), ("last 😀", false)], Split(Text, chunkSize));
    }

    [Fact]
    public void Push_InvalidBytes_FlaggedOnTheirLineOnly()
    {
        byte[] bytes = [.. "ok\n"u8, 0x66, 0xFF, 0x67, (byte)'\n', .. "fine"u8];
        var lines = Split(bytes, 1);
        Assert.Equal(("ok", false), lines[0]);
        Assert.Equal(("f\uFFFDg", true), lines[1]);
        Assert.Equal(("fine", false), lines[2]);
    }

    [Fact]
    public void Push_BomPrefixOnly_IsKeptAsText()
    {
        byte[] bytes = [0xEF, 0xBB, (byte)'x', (byte)'\n'];
        var (text, invalid) = Assert.Single(Split(bytes, 1));
        Assert.True(invalid);
        Assert.EndsWith("x", text);
    }

    [Fact]
    public void Complete_NoTrailingNewline_EmitsLastLineOnce()
    {
        Assert.Equal([("a", false), ("b", false)], Split("a\r\nb"u8.ToArray(), 2));
        Assert.Empty(Split([], 1));
    }
}
