using System.Text;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Hashing;

namespace MlPipelines.Workspace.Tests;

public class ArtifactStoreTests
{
    [Fact]
    public void PutFile_SameContentTwice_StoredOnce()
    {
        using var dir = new TempDir();
        using var ws = LocalWorkspace.Init(dir.Path);
        var a = ws.Artifacts.PutFile(dir.Write("a.txt", "hello"));
        var b = ws.Artifacts.PutFile(dir.Write("b.txt", "hello"));
        Assert.Equal(a, b);
        Assert.Equal(ContentHash.OfText("hello"), a.Hash);
        Assert.True(File.Exists(dir.Combine(".mlp", "artifacts", a.Hash[..2], a.Hash[2..])));
        Assert.Equal((5L, 1L), ws.Artifacts.Usage());
        Assert.Empty(Directory.GetFiles(ws.ScratchDirectory));
    }

    [Fact]
    public void OpenRead_CopyTo_ReturnContent()
    {
        using var dir = new TempDir();
        using var ws = LocalWorkspace.Init(dir.Path);
        var blob = ws.Artifacts.PutStream(new MemoryStream(Encoding.UTF8.GetBytes("data")));
        using (var r = new StreamReader(ws.Artifacts.OpenRead(blob.Hash))) Assert.Equal("data", r.ReadToEnd());
        ws.Artifacts.CopyTo(blob.Hash, dir.Combine("out", "x.txt"));
        Assert.Equal("data", File.ReadAllText(dir.Combine("out", "x.txt")));
    }

    [Fact]
    public void OpenRead_UnknownHash_NotFound()
    {
        using var dir = new TempDir();
        using var ws = LocalWorkspace.Init(dir.Path);
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => ws.Artifacts.OpenRead(new string('0', 64))).Kind);
        Assert.Equal(ErrorKind.InvalidInput, Assert.Throws<MlpException>(() => ws.Artifacts.OpenRead("../../etc")).Kind);
    }
}
