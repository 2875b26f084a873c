using MlPipelines.Core.Compute;
using MlPipelines.Core.Environments;
using MlPipelines.Core.Errors;
using MlPipelines.Workspace.Remote.Http;
using MlPipelines.Workspace.Remote.Stores;

namespace MlPipelines.Server.Tests.Remote;

/// <summary>Compute targets and environments through the server: the caller recorded, roles as in Azure ML.</summary>
public class RemoteComputeAndEnvironmentTests
{
    private static (RemoteComputeStore Computes, RemoteEnvironmentStore Environments) Stores(RemoteConnection http)
    {
        var paths = new WorkspacePaths(RemoteWorkspaceServer.Workspace);
        return (new RemoteComputeStore(http, paths), new RemoteEnvironmentStore(http, paths));
    }

    private static EnvironmentRecord Env(string name, char fill) => new()
    {
        Hash = new string(fill, 64), Name = name, Kind = "curated", Image = $"mlp-env/{name}:{new string(fill, 12)}", State = "defined", CreatedAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public async Task Owner_RegistersTargets_DataScientistUsesButCannotCreate_ReaderOnlyReads()
    {
        await using var s = await RemoteWorkspaceServer.StartAsync();
        using (var adminHttp = s.Connect())
        {
            var (computes, environments) = Stores(adminHttp);
            var created = computes.Create(new ComputeTargetDefinition
            {
                Name = "cluster", Kind = "slurm", MaxConcurrent = 8, Options = new Dictionary<string, string> { ["staging"] = "/shared", ["poll_seconds"] = "3" },
            });
            Assert.Equal("3", created.Options["poll-seconds"]);
            Assert.NotNull(created.CreatedBy);
            Assert.Equal(ErrorKind.Conflict, Assert.Throws<MlpException>(() => computes.Create(created)).Kind);
            var bad = Assert.Throws<MlpException>(() => computes.Create(created with { Name = "c2", Kind = "lsf" }));
            Assert.Equal(ErrorKind.InvalidInput, bad.Kind);
            Assert.Contains("Unknown compute kind 'lsf'", bad.Message);
            environments.Save(Env("python-3.11", 'a'));
        }

        using var danaHttp = s.Connect(await s.TokenFor("dana", "AzureML Data Scientist"));
        var dana = Stores(danaHttp);
        Assert.Equal("slurm", dana.Computes.Find("cluster")!.Kind);
        Assert.Null(dana.Computes.Find("nope"));
        Assert.Contains("'dana' needs action 'workspaces/computes/write'",
            Assert.Throws<MlpException>(() => dana.Computes.Create(new ComputeTargetDefinition { Name = "mine", Kind = "docker" })).Message);
        Assert.Contains("'dana' needs action 'workspaces/computes/delete'", Assert.Throws<MlpException>(() => dana.Computes.Delete("cluster")).Message);
        dana.Environments.Save(Env("train", 'b'));
        dana.Environments.Save(Env("train", 'b') with { State = "built", ImageId = "sha256:" + new string('e', 64), BuiltAt = DateTimeOffset.UtcNow });
        Assert.Equal("built", dana.Environments.Find("bbbbbbbb")!.State);

        using var ritaHttp = s.Connect(await s.TokenFor("rita", "Reader"));
        var rita = Stores(ritaHttp);
        Assert.Single(rita.Computes.List());
        Assert.Equal(2, rita.Environments.List().Count);
        Assert.Contains("'rita' needs action 'workspaces/environments/write'", Assert.Throws<MlpException>(() => rita.Environments.Save(Env("x", 'c'))).Message);
        Assert.Contains("'rita' needs action 'workspaces/environments/delete'", Assert.Throws<MlpException>(() => rita.Environments.Delete("train")).Message);

        using var ownerHttp = s.Connect();
        var owner = Stores(ownerHttp);
        Assert.Equal(1, owner.Environments.Delete("train"));
        Assert.True(owner.Computes.Delete("cluster"));
        Assert.False(owner.Computes.Delete("cluster"));
        Assert.Empty(owner.Computes.List());
    }
}
