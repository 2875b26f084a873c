using System.IO.Compression;
using MlPipelines.Core.Errors;
using MlPipelines.Workspace.Snapshots;

namespace MlPipelines.Workspace.Tests;

public class SourceSnapshotTests
{
    private static TempDir Tree()
    {
        var d = new TempDir();
        d.Write("train.py", "print('hi')");
        d.Write("src/model.cs", "class M {}");
        d.Write("src/deep/a.log", "log");
        d.Write("src/deep/keep.log", "keep");
        d.Write("data/big.csv", "1,2,3");
        d.Write("data/readme.md", "readme");
        d.Write("build/out.txt", "x");
        d.Write("notes/build/inner.txt", "anchored rule does not reach here");
        d.Write(".git/HEAD", "ref");
        d.Write(".mlp/workspace.db", "db");
        d.Write("bin/Debug/x.dll", "dll");
        d.Write("src/obj/y.dll", "dll");
        d.Write(".gitignore", "# comment\n\n*.log\n!keep.log\n/build/\ndata/*.csv\n");
        d.Write("src/.mlpignore", "model.cs\n");
        return d;
    }

    [Fact]
    public void Create_IgnoreFiles_AppliedWithNegationAnchorsAndNesting()
    {
        using var d = Tree();
        var snap = SourceSnapshot.Create(d.Path, 1 << 20);
        Assert.Equal([".gitignore", "data/readme.md", "notes/build/inner.txt", "src/.mlpignore", "src/deep/keep.log", "train.py"], snap.Files);
        using var zip = new ZipArchive(new MemoryStream(snap.Zip));
        Assert.Equal(snap.Files, zip.Entries.Select(e => e.FullName));
        using var r = new StreamReader(zip.GetEntry("train.py")!.Open());
        Assert.Equal("print('hi')", r.ReadToEnd());
    }

    [Fact]
    public void Create_SameTreeTwice_SameHash()
    {
        using var d = Tree();
        var a = SourceSnapshot.Create(d.Path, 1 << 20);
        File.SetLastWriteTimeUtc(d.Combine("train.py"), DateTime.UtcNow.AddDays(-3));
        var b = SourceSnapshot.Create(d.Path, 1 << 20);
        Assert.Equal(a.Hash, b.Hash);
        d.Write("train.py", "print('changed')");
        Assert.NotEqual(a.Hash, SourceSnapshot.Create(d.Path, 1 << 20).Hash);
    }

    [Fact]
    public void Create_OverCap_NamesSizeCapAndLargestFiles()
    {
        using var d = new TempDir();
        d.Write("small.txt", "x");
        d.Write("weights/huge.bin", new string('w', 5000));
        var e = Assert.Throws<MlpException>(() => SourceSnapshot.Create(d.Path, 1000));
        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains("4.9 KiB", e.Message);
        Assert.Contains("cap of 1000 B", e.Message);
        Assert.Contains("weights/huge.bin", e.Message);
        Assert.Contains(".mlpignore", e.Message);
    }

    [Theory]
    [InlineData("**/logs", "a/b/logs", true)]
    [InlineData("**/logs", "logs", true)]
    [InlineData("a/**/z", "a/z", true)]
    [InlineData("a/**/z", "a/b/c/z", true)]
    [InlineData("*.py[co]", "x.pyc", true)]
    [InlineData("*.py[!co]", "x.pyc", false)]
    [InlineData("doc/*.txt", "doc/x/y.txt", false)]
    [InlineData("?.md", "ab.md", false)]
    public void IgnoreRules_Globs_Match(string pattern, string path, bool ignored)
    {
        var rules = new IgnoreRules();
        rules.Add("", [pattern]);
        Assert.Equal(ignored, rules.IsIgnored(path, false));
    }
}
