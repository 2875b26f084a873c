using MlPipelines.Workspace.Tests.Backends;
using MlPipelines.Core.Endpoints;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Images;

namespace MlPipelines.Workspace.Tests;

public abstract class EndpointAndImageStoreTests(WorkspaceBackend backend) : IDisposable
{
    public void Dispose() => backend.Dispose();

    [WorkspaceFact]
    public void SetTraffic_ChangesKeptInHistory()
    {
        using var ws = backend.Open();
        ws.Endpoints.SaveEndpoint(new EndpointRecord { Name = "ep", AuthMode = "key", PrimaryKey = "a", SecondaryKey = "b", CreatedAt = DateTimeOffset.UtcNow });
        ws.Endpoints.SetTraffic("ep", new Dictionary<string, int> { ["blue"] = 100 }, null, "alice", "initial");
        ws.Endpoints.SetTraffic("ep", new Dictionary<string, int> { ["blue"] = 90, ["green"] = 10 }, new Dictionary<string, int> { ["green"] = 5 }, "bob", null);
        var ep = ws.Endpoints.FindEndpoint("ep")!;
        Assert.Equal(10, ep.Traffic["green"]);
        Assert.Equal(5, ep.Mirror["green"]);
        var h = ws.Endpoints.TrafficHistory("ep");
        Assert.Equal(2, h.Count);
        Assert.Empty(h[0].From);
        Assert.Equal(100, h[1].From["blue"]);
        Assert.Equal("bob", h[1].Who);
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => ws.Endpoints.SetTraffic("nope", new Dictionary<string, int>(), null, "x", null)).Kind);
    }

    [WorkspaceFact]
    public void Deployments_SaveFindListDelete()
    {
        using var ws = backend.Open();
        ws.Endpoints.SaveEndpoint(new EndpointRecord { Name = "ep", AuthMode = "none", PrimaryKey = "", SecondaryKey = "", CreatedAt = DateTimeOffset.UtcNow });
        var d = new DeploymentRecord
        {
            Endpoint = "ep", Name = "blue", Model = "m", ModelVersion = 1, Target = "local", InstanceCount = 2, Status = DeploymentStatus.Creating,
            Instances = [new DeploymentInstance("i1", "http://127.0.0.1:1", 42, null, 0, null)], CreatedAt = DateTimeOffset.UtcNow,
        };
        ws.Endpoints.SaveDeployment(d);
        ws.Endpoints.SaveDeployment(d with { Status = DeploymentStatus.Healthy });
        var found = ws.Endpoints.FindDeployment("ep", "blue")!;
        Assert.Equal(DeploymentStatus.Healthy, found.Status);
        Assert.Equal(42, Assert.Single(found.Instances).ProcessId);
        Assert.Single(ws.Endpoints.ListDeployments());
        ws.Endpoints.DeleteDeployment("ep", "blue");
        Assert.Null(ws.Endpoints.FindDeployment("ep", "blue"));
        ws.Endpoints.DeleteEndpoint("ep");
        Assert.Empty(ws.Endpoints.ListEndpoints());
    }

    [WorkspaceFact]
    public void Images_SaveUpsertAndFindByTagOrHash()
    {
        using var ws = backend.Open();
        var img = new ImageRecord { ContextHash = "abc", Tag = "mlp/iris:abc", Model = "iris", ModelVersion = 1, BaseImage = "base", State = "rendered", CreatedAt = DateTimeOffset.UtcNow };
        ws.Images.Save(img);
        ws.Images.Save(img with { State = "built", BuildTime = TimeSpan.FromSeconds(2) });
        Assert.Equal("built", ws.Images.Find("abc")!.State);
        Assert.Equal(TimeSpan.FromSeconds(2), ws.Images.Find("mlp/iris:abc")!.BuildTime);
        Assert.Single(ws.Images.List());
        Assert.Null(ws.Images.Find("zzz"));
    }
}
