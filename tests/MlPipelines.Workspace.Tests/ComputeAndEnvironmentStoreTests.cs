using MlPipelines.Core.Compute;
using MlPipelines.Core.Environments;
using MlPipelines.Core.Errors;
using MlPipelines.Workspace.Tests.Backends;

namespace MlPipelines.Workspace.Tests;

public abstract class ComputeAndEnvironmentStoreTests(WorkspaceBackend backend) : IDisposable
{
    public void Dispose() => backend.Dispose();

    private static ComputeTargetDefinition Slurm(string name) => new()
    {
        Name = name, Kind = "slurm", MaxConcurrent = 4, Description = "the lab cluster",
        Options = new Dictionary<string, string> { ["partition"] = "gpu", ["staging"] = "/shared/mlp", ["poll_seconds"] = "5" },
        CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "alice",
    };

    [WorkspaceFact]
    public void Compute_CreateFindListDelete_RoundTripsWithCanonicalOptionNames()
    {
        using var ws = backend.Open();
        ws.Computes.Create(Slurm("cluster"));
        ws.Computes.Create(new ComputeTargetDefinition { Name = "box", Kind = "docker", CreatedAt = DateTimeOffset.UtcNow });
        var found = ws.Computes.Find("cluster")!;
        Assert.Equal("slurm", found.Kind);
        Assert.Equal(4, found.MaxConcurrent);
        Assert.Equal("alice", found.CreatedBy);
        Assert.Equal("the lab cluster", found.Description);
        Assert.Equal(["partition", "poll-seconds", "staging"], found.Options.Keys.Order());
        Assert.Equal("5", found.Options["poll-seconds"]);
        Assert.Equal(["box", "cluster"], ws.Computes.List().Select(c => c.Name));
        Assert.True(ws.Computes.Delete("cluster"));
        Assert.False(ws.Computes.Delete("cluster"));
        Assert.Null(ws.Computes.Find("cluster"));
    }

    [WorkspaceFact]
    public void Compute_Create_RefusesDuplicatesBuiltInNameUnknownKindsAndOptions()
    {
        using var ws = backend.Open();
        ws.Computes.Create(Slurm("cluster"));
        Assert.Equal(ErrorKind.Conflict, Assert.Throws<MlpException>(() => ws.Computes.Create(Slurm("cluster"))).Kind);
        Assert.Equal(ErrorKind.Conflict, Assert.Throws<MlpException>(() => ws.Computes.Create(Slurm("local"))).Kind);
        var kind = Assert.Throws<MlpException>(() => ws.Computes.Create(Slurm("x") with { Kind = "lsf" }));
        Assert.Contains("'docker', 'kubernetes', 'local', 'slurm'", kind.Message);
        var option = Assert.Throws<MlpException>(() => ws.Computes.Create(Slurm("x") with { Options = new Dictionary<string, string> { ["partiton"] = "a" } }));
        Assert.Contains("'partiton'", option.Message);
        Assert.Contains("'partition'", option.Message);
        var value = Assert.Throws<MlpException>(() => ws.Computes.Create(Slurm("x") with { Options = new Dictionary<string, string> { ["poll-seconds"] = "soon" } }));
        Assert.Contains("positive whole number", value.Message);
        Assert.Equal(ErrorKind.InvalidInput, Assert.Throws<MlpException>(() => ws.Computes.Create(Slurm("../x"))).Kind);
        Assert.Equal(ErrorKind.InvalidInput, Assert.Throws<MlpException>(() => ws.Computes.Create(Slurm("x") with { MaxConcurrent = 0 })).Kind);
        Assert.Equal(["cluster"], ws.Computes.List().Select(c => c.Name));
    }

    private static EnvironmentRecord Env(string name, string hash, DateTimeOffset at) => new()
    {
        Hash = hash, Name = name, Kind = "system-managed", Image = $"mlp-env/{name}:{hash[..12]}", State = "defined", CreatedAt = at,
        Definition = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["base"] = "debian:12", ["pip"] = "numpy==2.1" },
    };

    [WorkspaceFact]
    public void Environments_SaveUpdatesBuildStateAndFindsByNameHashOrPrefix()
    {
        using var ws = backend.Open();
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-2);
        var a1 = Env("train", new string('a', 64), t0);
        var a2 = Env("train", "b" + new string('1', 63), t0.AddMinutes(1));
        ws.Environments.Save(a1);
        ws.Environments.Save(a2);
        ws.Environments.Save(Env("serve", new string('c', 64), t0));
        Assert.Equal(a2.Hash, ws.Environments.Find("train")!.Hash);
        Assert.Equal(a1.Hash, ws.Environments.Find("aaaaaaaa")!.Hash);
        Assert.Equal("numpy==2.1", ws.Environments.Find(a1.Hash)!.Definition["pip"]);
        Assert.Null(ws.Environments.Find("aaaa"));
        Assert.Null(ws.Environments.Find("nothing"));

        ws.Environments.Save(a1 with { State = "built", ImageId = "sha256:" + new string('f', 64), BuildTime = TimeSpan.FromSeconds(3), BuiltAt = DateTimeOffset.UtcNow });
        var built = ws.Environments.Find(a1.Hash)!;
        Assert.Equal("built", built.State);
        Assert.Equal(TimeSpan.FromSeconds(3), built.BuildTime);
        Assert.Equal(3, ws.Environments.List().Count);
        Assert.Equal(a2.Hash, ws.Environments.List()[0].Hash);

        Assert.Equal(2, ws.Environments.Delete("train"));
        Assert.Equal(0, ws.Environments.Delete("train"));
        Assert.Equal(1, ws.Environments.Delete(new string('c', 64)));
        Assert.Empty(ws.Environments.List());
    }
}
