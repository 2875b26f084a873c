using MlPipelines.Core.Workspaces;
using MlPipelines.Workspace.Tests.Backends;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Hashing;

namespace MlPipelines.Workspace.Tests;

public abstract class DatasetStoreTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly WorkspaceBackend _backend;
    private readonly IWorkspace _ws;

    protected DatasetStoreTests(WorkspaceBackend backend)
    {
        _backend = backend;
        _ws = backend.Open();
    }

    public void Dispose()
    {
        _ws.Dispose();
        _backend.Dispose();
        _dir.Dispose();
    }

    [WorkspaceFact]
    public void Register_Folder_VersionedAndHashedOverSortedFiles()
    {
        _dir.Write("iris/b.csv", "2");
        _dir.Write("iris/sub/a.csv", "1");
        var v1 = _ws.Datasets.Register("iris", _dir.Combine("iris"), "flowers");
        Assert.Equal((1, 2, 2L, false, "workspace"), (v1.Version, v1.FileCount, v1.SizeBytes, v1.IsFile, v1.Datastore));
        Assert.Equal(["b.csv", "sub/a.csv"], v1.Files.Select(f => f.Path));
        var expected = ContentHash.OfParts([new("b.csv", ContentHash.OfText("2")), new("sub/a.csv", ContentHash.OfText("1"))]);
        Assert.Equal(expected, v1.Hash);
        Assert.Equal("flowers", v1.Description);
    }

    [WorkspaceFact]
    public void Register_FolderWithDanglingSymlink_SkippedWithWarningNamingTheLink()
    {
        _dir.Write("d/x.txt", "1");
        File.CreateSymbolicLink(_dir.Combine("d", "dead"), _dir.Combine("missing-target"));
        var warnings = new List<string>();
        var v = _ws.Datasets.Register("d", _dir.Combine("d"), onWarning: warnings.Add);
        Assert.Equal(["x.txt"], v.Files.Select(f => f.Path));
        var w = Assert.Single(warnings);
        Assert.Contains("'dead'", w);
        Assert.Contains("missing-target", w);
        Assert.Contains("does not exist", w);
    }

    [WorkspaceFact]
    public void Register_IdenticalContentAgain_ReturnsExistingVersion()
    {
        _dir.Write("d/x.txt", "same");
        var v1 = _ws.Datasets.Register("d", _dir.Combine("d"));
        var again = _ws.Datasets.Register("d", _dir.Combine("d"));
        Assert.Equal(1, again.Version);
        Assert.Equal(v1.Hash, again.Hash);
        _dir.Write("d/x.txt", "changed");
        Assert.Equal(2, _ws.Datasets.Register("d", _dir.Combine("d")).Version);
        Assert.Equal(2, _ws.Datasets.Versions("d").Count);
        Assert.Equal(2, _ws.Datasets.Get("d").Version);
    }

    [WorkspaceFact]
    public void Register_SingleFile_DownloadsUnderItsName()
    {
        var file = _dir.Write("train.csv", "a,b\n1,2\n");
        var v = _ws.Datasets.Register("train", file);
        Assert.True(v.IsFile);
        _ws.Datasets.Download("train", null, _dir.Combine("out"));
        Assert.Equal("a,b\n1,2\n", File.ReadAllText(_dir.Combine("out", "train.csv")));
    }

    [WorkspaceFact]
    public void Download_Folder_RestoresTree()
    {
        _dir.Write("d/a/b.txt", "B");
        _dir.Write("d/c.txt", "C");
        _ws.Datasets.Register("d", _dir.Combine("d"));
        _ws.Datasets.Download("d", 1, _dir.Combine("out"));
        Assert.Equal("B", File.ReadAllText(_dir.Combine("out", "a", "b.txt")));
        Assert.Equal("C", File.ReadAllText(_dir.Combine("out", "c.txt")));
    }

    [WorkspaceFact]
    public void Get_UnknownNameOrVersion_ListsWhatExists()
    {
        _ws.Datasets.Register("iris", _dir.Write("i.csv", "1"));
        var name = Assert.Throws<MlpException>(() => _ws.Datasets.Get("irsi"));
        Assert.Equal(ErrorKind.NotFound, name.Kind);
        Assert.Contains("'irsi'", name.Message);
        Assert.Contains("'iris'", name.Message);
        var version = Assert.Throws<MlpException>(() => _ws.Datasets.Get("iris", 7));
        Assert.Contains("'iris:7'", version.Message);
        Assert.Contains("'iris:1'", version.Message);
    }

    [WorkspaceFact]
    public void Register_BadNameOrMissingPath_Invalid()
    {
        Assert.Contains("'bad name'", Assert.Throws<MlpException>(() => _ws.Datasets.Register("bad name", _dir.Path)).Message);
        Assert.Contains("does not exist", Assert.Throws<MlpException>(() => _ws.Datasets.Register("x", _dir.Combine("nope"))).Message);
    }

    [WorkspaceFact]
    public void FolderDatastore_ReferencesInPlace_AndDetectsChanges()
    {
        var shared = _dir.Combine("shared");
        _dir.Write("shared/set/a.txt", "A");
        var store = _ws.Datasets.AddDatastore("shared", shared);
        Assert.Equal("folder", store.Kind);
        Assert.Contains(_ws.Datasets.ListDatastores(), d => d.Name == "workspace");
        var v = _ws.Datasets.Register("set", "set", datastore: "shared");
        Assert.Equal("shared", v.Datastore);
        _ws.Datasets.Download("set", null, _dir.Combine("out1"));
        Assert.Equal("A", File.ReadAllText(_dir.Combine("out1", "a.txt")));
        _dir.Write("shared/set/a.txt", "changed");
        Assert.Contains("changed or vanished", Assert.Throws<MlpException>(() => _ws.Datasets.Download("set", 1, _dir.Combine("out2"))).Message);
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => _ws.Datasets.Register("x", "set", datastore: "nope")).Kind);
    }

    [WorkspaceFact]
    public void List_LatestVersionOfEachDataset()
    {
        _ws.Datasets.Register("a", _dir.Write("a1.txt", "1"));
        _ws.Datasets.Register("a", _dir.Write("a2.txt", "2"));
        _ws.Datasets.Register("b", _dir.Write("b1.txt", "1"));
        Assert.Equal([("a", 2), ("b", 1)], _ws.Datasets.List().Select(d => (d.Name, d.Version)));
    }
}
