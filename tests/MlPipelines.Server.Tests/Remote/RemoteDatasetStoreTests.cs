using System.Net;
using MlPipelines.Core.Data;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Hashing;

namespace MlPipelines.Server.Tests.Remote;

/// <summary>Datasets through the server: client folders uploaded and registered by manifest, folder datastores on the server.</summary>
public class RemoteDatasetStoreTests
{
    [Fact]
    public async Task Register_ClientFolderWithLinkOutside_WarnsSkipsUploadsAndDownloadsTheSame()
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using var dir = new TempDir();
        var source = Directory.CreateDirectory(dir.Combine("data")).FullName;
        File.WriteAllText(Path.Combine(source, "train.csv"), "x,y\n1,2\n");
        Directory.CreateDirectory(Path.Combine(source, "sub"));
        File.WriteAllText(Path.Combine(source, "sub", "labels.txt"), "a\nb\n");
        File.WriteAllText(dir.Combine("secret.txt"), "outside");
        File.CreateSymbolicLink(Path.Combine(source, "leak.txt"), dir.Combine("secret.txt"));
        using var http = s.Connect();
        var datasets = RemoteWorkspaceServer.Stores(http).Datasets;

        var warnings = new List<string>();
        var v1 = datasets.Register("iris", source, "first", onWarning: warnings.Add);

        Assert.Equal(1, v1.Version);
        Assert.Equal("workspace", v1.Datastore);
        Assert.Equal(["sub/labels.txt", "train.csv"], v1.Files.Select(f => f.Path));
        Assert.Contains(warnings, w => w.Contains("leak.txt"));
        Assert.Equal("first", v1.Description);
        var output = dir.Combine("out");
        datasets.Download("iris", null, output);
        Assert.Equal("x,y\n1,2\n", File.ReadAllText(Path.Combine(output, "train.csv")));
        Assert.Equal("a\nb\n", File.ReadAllText(Path.Combine(output, "sub", "labels.txt")));
        Assert.False(File.Exists(Path.Combine(output, "leak.txt")));
        Assert.Equal(["sub", "train.csv"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName).Order());

        var again = datasets.Register("iris", source);
        Assert.Equal(1, again.Version);
        Assert.Equal(v1.Hash, again.Hash);
        File.WriteAllText(Path.Combine(source, "train.csv"), "x,y\n3,4\n");
        var v2 = datasets.Register("iris", source);
        Assert.Equal(2, v2.Version);
        Assert.Equal([1, 2], datasets.Versions("iris").Select(v => v.Version));
        Assert.Equal(2, datasets.Get("iris").Version);
        Assert.Equal(v1.Hash, datasets.Get("iris", 1).Hash);
        Assert.Single(datasets.List());
        using (var reader = new StreamReader(datasets.OpenFile("iris", 1, "train.csv"))) Assert.Equal("x,y\n1,2\n", reader.ReadToEnd());

        var single = datasets.Register("labels", Path.Combine(source, "sub", "labels.txt"));
        Assert.True(single.IsFile);
        Assert.Equal("labels.txt", Assert.Single(single.Files).Path);
        Assert.Equal(ErrorKind.NotFound, NotFoundOf(() => datasets.Get("nope")));
    }

    [Fact]
    public async Task RegisterManifest_BlobNotUploaded_400NamingTheFile()
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using var http = s.Connect();
        var datasets = RemoteWorkspaceServer.Stores(http).Datasets;
        var missing = ContentHash.OfText("never uploaded");

        var e = Assert.Throws<MlpException>(() => datasets.RegisterManifest("d", [new DatasetFile("data/part-0.csv", missing, 14)], isFile: false));

        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains("'data/part-0.csv'", e.Message);
        Assert.Contains(missing, e.Message);
        Assert.Empty(datasets.List());
        var traversal = Assert.Throws<MlpException>(() => datasets.RegisterManifest("d", [new DatasetFile("../escape.csv", missing, 14)], isFile: false));
        Assert.Contains("'..'", traversal.Message);
    }

    [Fact]
    public async Task FolderDatastore_OnlyInsideAllowedRoots_PathsStayInsideAndDownloadVerified()
    {
        using var roots = new TempDir();
        var allowed = Directory.CreateDirectory(roots.Combine("allowed")).FullName;
        var store = Directory.CreateDirectory(Path.Combine(allowed, "lake")).FullName;
        Directory.CreateDirectory(Path.Combine(store, "2024"));
        File.WriteAllText(Path.Combine(store, "2024", "jan.csv"), "jan");
        File.WriteAllText(roots.Combine("private.txt"), "server secret");
        File.CreateSymbolicLink(Path.Combine(store, "secret.txt"), roots.Combine("private.txt"));
        await using var s = await RemoteWorkspaceServer.StartAsync(o => o with { DatastoreRoots = [allowed] });
        using var http = s.Connect();
        var datasets = RemoteWorkspaceServer.Stores(http).Datasets;

        var outside = Assert.Throws<MlpException>(() => datasets.AddDatastore("root", "/"));
        Assert.Contains("not inside an allowed datastore root", outside.Message);
        var lake = datasets.AddDatastore("lake", store);
        Assert.Equal("folder", lake.Kind);
        Assert.Contains(datasets.ListDatastores(), d => d.Name == "lake");

        var v = datasets.Register("jan", "2024", datastore: "lake");
        Assert.Equal("lake", v.Datastore);
        using var dir = new TempDir();
        datasets.Download("jan", v.Version, dir.Path);
        Assert.Equal("jan", File.ReadAllText(Path.Combine(dir.Path, "jan.csv")));

        Assert.Contains("not inside datastore", Assert.Throws<MlpException>(() => datasets.Register("x", "secret.txt", datastore: "lake")).Message);
        Assert.Contains("not inside datastore", Assert.Throws<MlpException>(() => datasets.Register("x", "../../private.txt", datastore: "lake")).Message);
        Assert.Contains("not inside datastore", Assert.Throws<MlpException>(() => datasets.Register("x", roots.Combine("private.txt"), datastore: "lake")).Message);
        Assert.Contains("uploaded content", Assert.Throws<MlpException>(() =>
            http.Write<DatasetVersion>(HttpMethod.Post, "/api/v1/workspaces/w/datasets/x/versions", new { path = "/etc/hostname", datastore = "workspace" })).Message);
        Assert.Equal(["jan"], datasets.List().Select(d => d.Name));
    }

    [Fact]
    public async Task AddDatastore_ServerWithoutRoots_400SayingHowToAllow()
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using var http = s.Connect();
        using var dir = new TempDir();
        var e = Assert.Throws<MlpException>(() => RemoteWorkspaceServer.Stores(http).Datasets.AddDatastore("d", dir.Path));
        Assert.Contains("--datastore-root", e.Message);
        using var raw = s.Server.Client(s.Server.AdminToken);
        var traversal = await raw.GetAsync("/api/v1/workspaces/w/datasets/x/versions/1/files/..%2F..%2Fworkspace.db");
        Assert.True(traversal.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{(int)traversal.StatusCode}");
    }

    private static ErrorKind NotFoundOf(Action a) => Assert.Throws<MlpException>(a).Kind;
}
