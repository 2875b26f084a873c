using MlPipelines.Core.Data;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Hashing;
using MlPipelines.Core.Registry;
using MlPipelines.Core.Workspaces;
using MlPipelines.Workspace.Tests.Backends;

namespace MlPipelines.Workspace.Tests;

/// <summary>Datasets and models registered from blobs already in the artifact store (how a remote client registers a folder).</summary>
public abstract class ManifestRegistrationTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly WorkspaceBackend _backend;
    private readonly IWorkspace _ws;

    protected ManifestRegistrationTests(WorkspaceBackend backend)
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

    private DatasetFile Stored(string path, string content)
    {
        var blob = _ws.Artifacts.PutFile(_dir.Write("blob-" + Guid.NewGuid().ToString("N"), content));
        return new DatasetFile(path, blob.Hash, blob.Size);
    }

    [WorkspaceFact]
    public void RegisterManifest_SameContentAsRegister_SameVersionAndHash()
    {
        _dir.Write("iris/b.csv", "2");
        _dir.Write("iris/sub/a.csv", "1");
        var registered = _ws.Datasets.Register("iris", _dir.Combine("iris"));

        var manifest = _ws.Datasets.RegisterManifest("iris", [Stored("sub/a.csv", "1"), Stored("b.csv", "2")], isFile: false, "again");

        Assert.Equal((registered.Version, registered.Hash), (manifest.Version, manifest.Hash));
        var changed = _ws.Datasets.RegisterManifest("iris", [Stored("b.csv", "3")], isFile: false);
        Assert.Equal(2, changed.Version);
        Assert.Equal(["b.csv"], changed.Files.Select(f => f.Path));
        using var read = new StreamReader(_ws.Datasets.OpenFile("iris", 2, "b.csv"));
        Assert.Equal("3", read.ReadToEnd());
    }

    [WorkspaceFact]
    public void RegisterManifest_MissingBlobWrongSizeOrBadPath_InvalidNamingTheFile()
    {
        var good = Stored("a.csv", "1");
        var missing = ContentHash.OfText("not stored");
        Assert.Contains("'x/y.csv'", Invalid(() => _ws.Datasets.RegisterManifest("d", [good, new DatasetFile("x/y.csv", missing, 10)], false)));
        Assert.Contains("says 5 bytes", Invalid(() => _ws.Datasets.RegisterManifest("d", [good with { Size = 5 }], false)));
        Assert.Contains("'..'", Invalid(() => _ws.Datasets.RegisterManifest("d", [good with { Path = "../a.csv" }], false)));
        Assert.Contains("twice", Invalid(() => _ws.Datasets.RegisterManifest("d", [good, good], false)));
        Assert.Contains("SHA-256", Invalid(() => _ws.Datasets.RegisterManifest("d", [good with { Hash = "../../x" }], false)));
        Assert.Contains("single file", Invalid(() => _ws.Datasets.RegisterManifest("d", [good, Stored("b.csv", "2")], true)));
        Assert.Contains("no files", Invalid(() => _ws.Datasets.RegisterManifest("d", [], false)));
        Assert.Empty(_ws.Datasets.List());
    }

    [WorkspaceFact]
    public void OpenFile_UnknownPath_NotFoundListingTheFiles()
    {
        _ws.Datasets.RegisterManifest("d", [Stored("a.csv", "1")], false);
        var e = Assert.Throws<MlpException>(() => _ws.Datasets.OpenFile("d", 1, "b.csv"));
        Assert.Equal(ErrorKind.NotFound, e.Kind);
        Assert.Contains("'a.csv'", e.Message);
    }

    [WorkspaceFact]
    public void RegisterModel_Files_StoredBlobsVerifiedAndExactlyOneSource()
    {
        var f = Stored("model/weights.bin", "0101");
        var v = _ws.Models.Register(new NewModelVersion { Name = "m", Files = [new ModelFile(f.Path, f.Hash, f.Size)] });
        Assert.Equal(["model/weights.bin"], v.Files.Select(x => x.Path));
        _ws.Models.Download(new ModelRef("m", 1, null), _dir.Combine("out"));
        Assert.Equal("0101", File.ReadAllText(_dir.Combine("out", "model", "weights.bin")));

        Assert.Contains("not in the artifact store", Invalid(() => _ws.Models.Register(new NewModelVersion
            { Name = "m", Files = [new ModelFile("w.bin", ContentHash.OfText("nope"), 4)] })));
        Assert.Contains("exactly one source", Invalid(() => _ws.Models.Register(new NewModelVersion
            { Name = "m", Files = [new ModelFile(f.Path, f.Hash, f.Size)], LocalPath = _dir.Path })));
    }

    private static string Invalid(Action call)
    {
        var e = Assert.Throws<MlpException>(call);
        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        return e.Message;
    }
}
