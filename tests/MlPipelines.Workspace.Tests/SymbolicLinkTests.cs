using System.IO.Compression;
using MlPipelines.Core.Registry;
using MlPipelines.Workspace.Snapshots;

namespace MlPipelines.Workspace.Tests;

/// <summary>Links in registered folders and source snapshots: inside → stored as the file; anything else → skipped with a warning.</summary>
public class SymbolicLinkTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly LocalWorkspace _ws;

    public SymbolicLinkTests() => _ws = LocalWorkspace.Init(_dir.Combine("ws"));

    public void Dispose()
    {
        _ws.Dispose();
        _dir.Dispose();
    }

    /// <summary>A folder with a.txt, sub/b.txt, an inside link to each, and links out (file, folder, dangling, loop, back to itself).</summary>
    private string LinkedFolder()
    {
        _dir.Write("f/a.txt", "alpha");
        _dir.Write("f/sub/b.txt", "beta");
        var f = _dir.Combine("f");
        File.CreateSymbolicLink(Path.Combine(f, "inside.txt"), "a.txt");
        Directory.CreateSymbolicLink(Path.Combine(f, "sublink"), "sub");
        File.CreateSymbolicLink(Path.Combine(f, "passwd"), "/etc/passwd");
        Directory.CreateSymbolicLink(Path.Combine(f, "etc"), "/etc");
        File.CreateSymbolicLink(Path.Combine(f, "dead"), "nowhere.txt");
        File.CreateSymbolicLink(Path.Combine(f, "loop1"), "loop2");
        File.CreateSymbolicLink(Path.Combine(f, "loop2"), "loop1");
        Directory.CreateSymbolicLink(Path.Combine(f, "sub", "up"), "..");
        return f;
    }

    private static void AssertSkipped(IReadOnlyList<string> warnings)
    {
        Assert.Equal(7, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("'passwd' → '/etc/passwd'") && w.Contains("outside"));
        Assert.Contains(warnings, w => w.Contains("'etc' → '/etc'") && w.Contains("outside"));
        Assert.Contains(warnings, w => w.Contains("'dead' → 'nowhere.txt'") && w.Contains("does not exist"));
        Assert.Contains(warnings, w => w.Contains("'loop1' → 'loop2'") && w.Contains("loop"));
        Assert.Contains(warnings, w => w.Contains("'loop2' → 'loop1'") && w.Contains("loop"));
        Assert.Contains(warnings, w => w.Contains("'sub/up' → '..'") && w.Contains("contains it"));
        Assert.Contains(warnings, w => w.Contains("'sublink/up' → '..'") && w.Contains("contains it"));
    }

    private static readonly string[] Expected = ["a.txt", "inside.txt", "sub/b.txt", "sublink/b.txt"];

    [Fact]
    public void DatasetRegister_LinksInsideStoredOutsideSkippedWithWarnings()
    {
        var warnings = new List<string>();
        var v = _ws.Datasets.Register("d", LinkedFolder(), onWarning: warnings.Add);
        Assert.Equal(Expected, v.Files.Select(f => f.Path));
        Assert.Equal(v.Files[0].Hash, v.Files[1].Hash);
        AssertSkipped(warnings);
        _ws.Datasets.Download("d", null, _dir.Combine("down"));
        Assert.Equal("alpha", File.ReadAllText(_dir.Combine("down", "inside.txt")));
        Assert.False(File.Exists(_dir.Combine("down", "passwd")));
    }

    [Fact]
    public void DatasetRegister_FolderDatastoreWithInsideLink_ReferencesAndDownloads()
    {
        LinkedFolder();
        _ws.Datasets.AddDatastore("lake", _dir.Path);
        var v = _ws.Datasets.Register("d", "f", datastore: "lake");
        Assert.Equal(Expected, v.Files.Select(x => x.Path));
        _ws.Datasets.Download("d", null, _dir.Combine("down"));
        Assert.Equal("beta", File.ReadAllText(_dir.Combine("down", "sublink", "b.txt")));
    }

    [Fact]
    public void ModelRegister_LinksInsideStoredOutsideSkippedWithWarnings()
    {
        var warnings = new List<string>();
        var m = _ws.Models.Register(new NewModelVersion { Name = "m", LocalPath = LinkedFolder(), OnWarning = warnings.Add });
        Assert.Equal(Expected, m.Files.Select(f => f.Path));
        AssertSkipped(warnings);
    }

    [Fact]
    public void SnapshotCreate_LinksInsideIncludedOutsideSkippedWithWarnings()
    {
        var snapshot = SourceSnapshot.Create(LinkedFolder());
        Assert.Equal(Expected, snapshot.Files);
        AssertSkipped(snapshot.Warnings);
        using var zip = new ZipArchive(new MemoryStream(snapshot.Zip));
        Assert.Equal(Expected, zip.Entries.Select(e => e.FullName));
    }

    [Fact]
    public void SnapshotCreate_IgnoredLinkOut_NoWarning()
    {
        var f = LinkedFolder();
        _dir.Write("f/.mlpignore", "passwd\netc/\ndead\nloop*\nup/\n");
        var snapshot = SourceSnapshot.Create(f);
        Assert.Empty(snapshot.Warnings);
    }
}
