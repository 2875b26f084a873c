using MlPipelines.Core.Workspaces;
using MlPipelines.Workspace.Tests.Backends;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Endpoints;
using MlPipelines.Core.Registry;
using MlPipelines.Core.Runs;

namespace MlPipelines.Workspace.Tests;

public abstract class ModelRegistryTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly WorkspaceBackend _backend;
    private readonly IWorkspace _ws;

    protected ModelRegistryTests(WorkspaceBackend backend)
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

    private ModelVersion RegisterLocal(string name, string content = "weights")
    {
        var folder = _dir.Combine("m-" + Guid.NewGuid().ToString("N")[..6]);
        _dir.Write(Path.Combine(Path.GetFileName(folder), "model.bin"), content);
        return _ws.Models.Register(new NewModelVersion { Name = name, LocalPath = folder, Flavor = "dotnet" });
    }

    private string RunWithOutputs()
    {
        var pipeline = _ws.Runs.CreateRun(new NewRun("train", Kind: "pipeline"));
        _ws.Runs.SetSnapshot(pipeline.Id, "snap123");
        var run = _ws.Runs.CreateRun(new NewRun("train", ParentRunId: pipeline.Id) { Tags = new Dictionary<string, string> { ["mlp.environment"] = "env-abc" } });
        _ws.Runs.LogMetrics(run.Id, [new("accuracy", 0.93, 0, DateTimeOffset.UtcNow)]);
        _ws.Runs.AddDatasetInput(run.Id, "iris", 2);
        foreach (var (path, content) in new[] { ("model/weights.bin", "w"), ("model/config.json", "{}"), ("report.txt", "r") })
        {
            var blob = _ws.Artifacts.PutFile(_dir.Write("src-" + path.Replace('/', '_'), content));
            _ws.Runs.AddOutput(run.Id, new RunOutput(path, blob.Hash, blob.Size));
        }
        return run.Id;
    }

    [WorkspaceFact]
    public void Register_FromRunFolderPrefix_CopiesMetricsAndLineage()
    {
        var runId = RunWithOutputs();
        var m = _ws.Models.Register(new NewModelVersion { Name = "iris", RunId = runId, RunOutputPath = "model", Tags = new Dictionary<string, string> { ["team"] = "x" } });
        Assert.Equal(1, m.Version);
        Assert.Equal(["config.json", "weights.bin"], m.Files.Select(f => f.Path));
        Assert.Equal(0.93, m.Metrics["accuracy"]);
        Assert.Equal("x", m.Tags["team"]);
        Assert.Equal(runId, m.Lineage.RunId);
        Assert.Equal(_ws.Runs.GetRun(runId).ParentRunId, m.Lineage.PipelineRunId);
        Assert.Equal([("iris", 2)], m.Lineage.Datasets);
        Assert.Equal("snap123", m.Lineage.SnapshotHash);
        Assert.Equal("env-abc", m.Lineage.Environment);
    }

    [WorkspaceFact]
    public void Register_FromRunSingleFile_UsesFileName()
    {
        var runId = RunWithOutputs();
        var m = _ws.Models.Register(new NewModelVersion { Name = "r", RunId = runId, RunOutputPath = "report.txt" });
        Assert.Equal("report.txt", Assert.Single(m.Files).Path);
    }

    [WorkspaceFact]
    public void Register_MissingRunOutput_NamesTheRunsOutputs()
    {
        var runId = RunWithOutputs();
        var e = Assert.Throws<MlpException>(() => _ws.Models.Register(new NewModelVersion { Name = "iris", RunId = runId, RunOutputPath = "modle" }));
        Assert.Contains("has no output 'modle'", e.Message);
        Assert.Contains("'model/weights.bin'", e.Message);
        Assert.Contains("'report.txt'", e.Message);
    }

    [WorkspaceFact]
    public void Register_NoSourceOrTwoSources_Invalid()
    {
        Assert.Contains("exactly one source", Assert.Throws<MlpException>(() => _ws.Models.Register(new NewModelVersion { Name = "m" })).Message);
        Assert.Contains("'bad/name'", Assert.Throws<MlpException>(() => _ws.Models.Register(new NewModelVersion { Name = "bad/name", LocalPath = "." })).Message);
    }

    [WorkspaceFact]
    public void Register_Twice_VersionsIncrementAndDownloadRestoresFiles()
    {
        Assert.Equal(1, RegisterLocal("m", "a").Version);
        Assert.Equal(2, RegisterLocal("m", "b").Version);
        _ws.Models.Download(ModelRef.Parse("m:1"), _dir.Combine("out"));
        Assert.Equal("a", File.ReadAllText(_dir.Combine("out", "model.bin")));
        Assert.Equal(2, _ws.Models.Get(ModelRef.Parse("m")).Version);
        Assert.Equal([("m", 2)], _ws.Models.List().Select(x => (x.Name, x.Version)));
    }

    [WorkspaceFact]
    public void Aliases_SetMoveDelete_HistoryKeptAndAtResolves()
    {
        RegisterLocal("m", "a");
        RegisterLocal("m", "b");
        _ws.Models.SetAlias("m", "champion", 1, "alice", "first");
        Assert.Equal(1, _ws.Models.Get(ModelRef.Parse("m@champion")).Version);
        var move = _ws.Models.SetAlias("m", "champion", 2, "bob", "better accuracy");
        Assert.Equal((1, 2), (move.FromVersion, move.ToVersion));
        Assert.Equal(2, _ws.Models.Get(ModelRef.Parse("m@champion")).Version);
        Assert.Equal(["champion"], _ws.Models.Get(ModelRef.Parse("m:2")).Aliases);
        _ws.Models.DeleteAlias("m", "champion", "carol", "retired");
        var history = _ws.Models.History("m");
        Assert.Equal([(null, 1, "alice", "first"), (1, 2, "bob", "better accuracy"), (2, null, "carol", "retired")],
            history.Select(h => (h.FromVersion, h.ToVersion, h.Who, h.Reason)));
        var e = Assert.Throws<MlpException>(() => _ws.Models.Get(ModelRef.Parse("m@champion")));
        Assert.Equal(ErrorKind.NotFound, e.Kind);
    }

    [WorkspaceFact]
    public void SetAlias_InvalidAliasOrUnknownVersion_Rejected()
    {
        RegisterLocal("m");
        Assert.Contains("'bad alias'", Assert.Throws<MlpException>(() => _ws.Models.SetAlias("m", "bad alias", 1, "x")).Message);
        Assert.Contains("reserved", Assert.Throws<MlpException>(() => _ws.Models.SetAlias("m", "latest", 1, "x")).Message);
        var e = Assert.Throws<MlpException>(() => _ws.Models.SetAlias("m", "champion", 9, "x"));
        Assert.Contains("'m:9'", e.Message);
        Assert.Contains("'m:1'", e.Message);
    }

    [WorkspaceFact]
    public void Get_UnknownModel_ListsExisting()
    {
        RegisterLocal("iris");
        var e = Assert.Throws<MlpException>(() => _ws.Models.Get(ModelRef.Parse("irsi@champion")));
        Assert.Equal(ErrorKind.NotFound, e.Kind);
        Assert.Contains("'iris'", e.Message);
    }

    [WorkspaceFact]
    public void Delete_WhileAliasOrDeploymentUsesIt_Conflict()
    {
        RegisterLocal("m", "a");
        RegisterLocal("m", "b");
        RegisterLocal("m", "c");
        _ws.Models.SetAlias("m", "champion", 1, "x");
        Assert.Contains("'champion'", Assert.Throws<MlpException>(() => _ws.Models.Delete("m", 1)).Message);
        _ws.Endpoints.SaveEndpoint(new EndpointRecord { Name = "ep", AuthMode = "key", PrimaryKey = "k1", SecondaryKey = "k2", CreatedAt = DateTimeOffset.UtcNow });
        _ws.Endpoints.SaveDeployment(new DeploymentRecord { Endpoint = "ep", Name = "blue", Model = "m", ModelVersion = 2, Target = "local", InstanceCount = 1, Status = DeploymentStatus.Healthy, CreatedAt = DateTimeOffset.UtcNow });
        var e = Assert.Throws<MlpException>(() => _ws.Models.Delete("m", 2));
        Assert.Equal(ErrorKind.Conflict, e.Kind);
        Assert.Contains("'ep/blue'", e.Message);
        _ws.Models.Delete("m", 3);
        Assert.Equal([1, 2], _ws.Models.Versions("m").Select(v => v.Version));
        Assert.Equal(4, RegisterLocal("m", "d").Version);
    }

    [WorkspaceFact]
    public void Register_ConcurrentlyFromSeparateInstances_DistinctVersions()
    {
        var folder = _dir.Combine("model");
        _dir.Write("model/w.bin", "w");
        const int writers = 4, each = 5;
        Parallel.For(0, writers, new ParallelOptions { MaxDegreeOfParallelism = writers }, _ =>
        {
            using var ws = _backend.Open();
            for (var i = 0; i < each; i++) ws.Models.Register(new NewModelVersion { Name = "race", LocalPath = folder });
        });
        Assert.Equal(Enumerable.Range(1, writers * each), _ws.Models.Versions("race").Select(v => v.Version));
    }
}
