using MlPipelines.Core.Data;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Registry;

namespace MlPipelines.Server.Tests.Remote;

/// <summary>A Reader reads everything through the remote stores and is refused (403 naming the action) on every write.</summary>
public class RemoteReaderAccessTests
{
    [Fact]
    public async Task Reader_ReadsEverything_403OnEveryWrite()
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using var dir = new TempDir();
        File.WriteAllText(dir.Combine("data.csv"), "a,b\n");
        File.WriteAllText(dir.Combine("new.csv"), "c,d\n");
        using (var adminHttp = s.Connect())
        {
            var admin = RemoteWorkspaceServer.Stores(adminHttp);
            admin.Datasets.Register("d", dir.Combine("data.csv"));
            admin.Models.Register(new NewModelVersion { Name = "m", LocalPath = dir.Combine("data.csv") });
            admin.Models.SetAlias("m", "champion", 1, "");
            admin.Images.Save(RemoteRecordStoreTests.Image("mlp/m:1"));
            admin.Endpoints.SaveEndpoint(RemoteRecordStoreTests.Endpoint("e"));
            admin.Endpoints.SaveDeployment(RemoteRecordStoreTests.Deployment("e", "blue"));
        }
        using var http = s.Connect(await s.TokenFor("rita", "Reader"));
        var reader = RemoteWorkspaceServer.Stores(http);

        var d = reader.Datasets.Get("d");
        reader.Datasets.Download("d", null, dir.Combine("out"));
        Assert.Equal("a,b\n", File.ReadAllText(dir.Combine("out", "data.csv")));
        Assert.True(reader.Artifacts.Exists(d.Files[0].Hash));
        Assert.Equal(1, reader.Models.Get(ModelRef.Parse("m@champion")).Version);
        reader.Models.Download(ModelRef.Parse("m"), dir.Combine("model"));
        Assert.Single(reader.Models.History("m"));
        Assert.NotNull(reader.Images.Find("mlp/m:1"));
        Assert.Single(reader.Endpoints.ListDeployments());
        Assert.Equal("", reader.Endpoints.FindEndpoint("e")!.PrimaryKey); // keys need listKeys, which a Reader lacks
        Assert.NotEmpty(reader.Datasets.ListDatastores());
        Assert.Equal(1, reader.Artifacts.Usage().Count);

        var writes = new (string Action, Action Call)[]
        {
            ("workspaces/artifacts/write", () => reader.Artifacts.PutFile(dir.Combine("new.csv"))),
            ("workspaces/artifacts/write", () => reader.Datasets.Register("d2", dir.Combine("new.csv"))),
            ("workspaces/datasets/versions/write", () => reader.Datasets.RegisterManifest("d2", d.Files, isFile: true)),
            ("workspaces/datasets/versions/write", () => reader.Datasets.Register("d2", "x", datastore: "lake")),
            ("workspaces/datastores/write", () => reader.Datasets.AddDatastore("lake", dir.Path)),
            ("workspaces/models/versions/write", () => reader.Models.Register(new NewModelVersion { Name = "m", Files = [new ModelFile("a", d.Files[0].Hash, d.Files[0].Size)] })),
            ("workspaces/models/versions/write", () => reader.Models.SetAlias("m", "champion", 1, "")),
            ("workspaces/models/versions/write", () => reader.Models.DeleteAlias("m", "champion", "")),
            ("workspaces/models/versions/delete", () => reader.Models.Delete("m", 1)),
            ("workspaces/images/write", () => reader.Images.Save(RemoteRecordStoreTests.Image("mlp/m:2"))),
            ("workspaces/onlineEndpoints/write", () => reader.Endpoints.SaveEndpoint(RemoteRecordStoreTests.Endpoint("e2"))),
            ("workspaces/onlineEndpoints/write", () => reader.Endpoints.SetTraffic("e", new Dictionary<string, int>(), null, "", null)),
            ("workspaces/onlineEndpoints/delete", () => reader.Endpoints.DeleteEndpoint("e")),
            ("workspaces/onlineEndpoints/deployments/write", () => reader.Endpoints.SaveDeployment(RemoteRecordStoreTests.Deployment("e", "green"))),
            ("workspaces/onlineEndpoints/deployments/delete", () => reader.Endpoints.DeleteDeployment("e", "blue")),
        };
        foreach (var (action, call) in writes)
        {
            var e = Assert.Throws<MlpException>(call);
            Assert.Contains($"'rita' needs action '{action}'", e.Message);
        }

        using var admin2 = s.Connect();
        var after = RemoteWorkspaceServer.Stores(admin2);
        Assert.Single(after.Datasets.List());
        Assert.Equal(1, after.Models.Get(ModelRef.Parse("m@champion")).Version);
        Assert.Single(after.Images.List());
        Assert.Equal("pk-e", after.Endpoints.FindEndpoint("e")!.PrimaryKey);
        Assert.Single(after.Endpoints.ListDeployments());
    }
}
