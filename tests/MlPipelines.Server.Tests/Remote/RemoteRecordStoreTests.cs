using MlPipelines.Core.Endpoints;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Hashing;
using MlPipelines.Core.Images;

namespace MlPipelines.Server.Tests.Remote;

/// <summary>Image and endpoint records through the server.</summary>
public class RemoteRecordStoreTests
{
    internal static ImageRecord Image(string tag, string state = "rendered") => new()
    {
        ContextHash = ContentHash.OfText(tag), Tag = tag, Model = "churn", ModelVersion = 1, BaseImage = "mcr.microsoft.com/dotnet/aspnet:10.0",
        State = state, CreatedAt = DateTimeOffset.UtcNow, BuildTime = TimeSpan.FromSeconds(1.5),
    };

    internal static EndpointRecord Endpoint(string name) => new()
    {
        Name = name, AuthMode = "key", PrimaryKey = "pk-" + name, SecondaryKey = "sk-" + name, CreatedAt = DateTimeOffset.UtcNow,
    };

    internal static DeploymentRecord Deployment(string endpoint, string name) => new()
    {
        Endpoint = endpoint, Name = name, Model = "churn", ModelVersion = 1, Target = "local", InstanceCount = 1, Status = DeploymentStatus.Healthy,
        Instances = [new DeploymentInstance("0", "http://127.0.0.1:5001", 1234, null, 0, null)], CreatedAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public async Task Images_SaveFindListUpdate_RoundTrip()
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using var http = s.Connect();
        var images = RemoteWorkspaceServer.Stores(http).Images;
        var image = Image("localhost:5000/churn:3f2a1b");

        images.Save(image);
        images.Save(Image("mlp/other:abc"));

        var found = images.Find("localhost:5000/churn:3f2a1b")!;
        Assert.Equal(image.ContextHash, found.ContextHash);
        Assert.Equal(TimeSpan.FromSeconds(1.5), found.BuildTime);
        Assert.Equal("localhost:5000/churn:3f2a1b", images.Find(image.ContextHash)!.Tag);
        Assert.Null(images.Find("mlp/unknown:1"));
        images.Save(image with { State = "pushed", Digest = "sha256:abc", SizeBytes = 123 });
        Assert.Equal("pushed", images.Find(image.Tag)!.State);
        Assert.Equal(2, images.List().Count);
        Assert.Contains("'state'", Assert.Throws<MlpException>(() => images.Save(image with { State = "flying" })).Message);
        Assert.Contains("'contextHash'", Assert.Throws<MlpException>(() => images.Save(image with { ContextHash = "../x" })).Message);
    }

    [Fact]
    public async Task Endpoints_RecordsTrafficAndDeployments_RoundTripWithCallerAsWho()
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using var http = s.Connect(await s.TokenFor("dana", "AzureML Data Scientist"));
        var endpoints = RemoteWorkspaceServer.Stores(http).Endpoints;

        endpoints.SaveEndpoint(Endpoint("churn"));
        endpoints.SaveDeployment(Deployment("churn", "blue"));
        endpoints.SaveDeployment(Deployment("churn", "green"));
        endpoints.SetTraffic("churn", new Dictionary<string, int> { ["blue"] = 90, ["green"] = 10 }, null, who: "mallory", reason: "canary");
        endpoints.SetTraffic("churn", new Dictionary<string, int> { ["blue"] = 100, ["green"] = 0 }, new Dictionary<string, int> { ["green"] = 20 }, "mallory", null);

        var e = endpoints.FindEndpoint("churn")!;
        Assert.Equal("pk-churn", e.PrimaryKey); // a Data Scientist may list keys
        Assert.Equal(100, e.Traffic["blue"]);
        Assert.Equal(20, e.Mirror["green"]);
        var history = endpoints.TrafficHistory("churn");
        Assert.Equal(2, history.Count);
        Assert.All(history, h => Assert.Equal("dana", h.Who));
        Assert.Equal("canary", history[0].Reason);
        Assert.Equal(90, history[1].From["blue"]);

        Assert.Equal(["blue", "green"], endpoints.ListDeployments("churn").Select(d => d.Name));
        Assert.Equal(2, endpoints.ListDeployments().Count);
        var blue = endpoints.FindDeployment("churn", "blue")!;
        Assert.Equal(1234, blue.Instances[0].ProcessId);
        Assert.Equal(DeploymentStatus.Healthy, blue.Status);
        Assert.Null(endpoints.FindDeployment("churn", "red"));
        endpoints.DeleteDeployment("churn", "green");
        Assert.Single(endpoints.ListDeployments("churn"));

        endpoints.SaveEndpoint(e with { Url = "http://127.0.0.1:5123/score", PrimaryKey = "", SecondaryKey = "" });
        Assert.Equal("pk-churn", endpoints.FindEndpoint("churn")!.PrimaryKey); // empty keys keep the stored ones
        Assert.Equal("http://127.0.0.1:5123/score", endpoints.ListEndpoints().Single().Url);
        Assert.Contains("sums to 50", Assert.Throws<MlpException>(() =>
            endpoints.SetTraffic("churn", new Dictionary<string, int> { ["blue"] = 50 }, null, "", null)).Message);
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => endpoints.SetTraffic("nope", new Dictionary<string, int>(), null, "", null)).Kind);

        endpoints.DeleteEndpoint("churn");
        Assert.Null(endpoints.FindEndpoint("churn"));
        Assert.Empty(endpoints.ListDeployments());
    }
}
