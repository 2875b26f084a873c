using MlPipelines.Core.Endpoints;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Registry;
using MlPipelines.Core.Workspaces;
using MlPipelines.Workspace.Tests.Backends;

namespace MlPipelines.Workspace.Tests;

public sealed class RegisteredModelSqliteTests() : RegisteredModelTests(new SqliteBackend());
[RequiresPostgres] public sealed class RegisteredModelPostgresTests() : RegisteredModelTests(new PostgresBackend());

/// <summary>Models apart from their versions: created by name, described, tagged, renamed, deleted; version metadata.</summary>
public abstract class RegisteredModelTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly WorkspaceBackend _backend;
    private readonly IWorkspace _ws;

    protected RegisteredModelTests(WorkspaceBackend backend)
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

    private ModelVersion Register(string name, string content = "w")
    {
        var folder = _dir.Combine("m-" + Guid.NewGuid().ToString("N")[..6]);
        _dir.Write(Path.Combine(Path.GetFileName(folder), "model.bin"), content);
        return _ws.Models.Register(new NewModelVersion { Name = name, LocalPath = folder });
    }

    [WorkspaceFact]
    public void CreateModel_WithoutVersions_ListedAndEmpty_NameTakenIsConflict()
    {
        var m = _ws.Models.CreateModel("churn", "predicts churn", new Dictionary<string, string> { ["team"] = "risk" }, "ana");
        Assert.Equal(("churn", "predicts churn", "risk", "ana", (int?)null), (m.Name, m.Description, m.Tags["team"], m.CreatedBy, m.LatestVersion));
        Assert.Empty(_ws.Models.Versions("churn"));
        Assert.Empty(_ws.Models.List()); // `mlp model list` shows latest versions: none yet
        Assert.Equal(["churn"], _ws.Models.Models().Select(x => x.Name));
        Assert.Equal(ErrorKind.Conflict, Assert.Throws<MlpException>(() => _ws.Models.CreateModel("churn", null, new Dictionary<string, string>(), "ana")).Kind);
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => _ws.Models.Get(new ModelRef("churn", null, null))).Kind);

        Assert.Equal(1, Register("churn").Version);
        Assert.Equal(1, _ws.Models.GetModel("churn").LatestVersion);
    }

    [WorkspaceFact]
    public void Register_CreatesTheModelRecord_LastVersionDeletedKeepsIt_NumbersNotReused()
    {
        Register("m");
        Register("m", "b");
        var before = _ws.Models.GetModel("m");
        Assert.Equal(2, before.LatestVersion);
        _ws.Models.Delete("m", 2);
        _ws.Models.Delete("m", 1);
        var after = _ws.Models.GetModel("m");
        Assert.Null(after.LatestVersion);
        Assert.True(after.UpdatedAt >= before.UpdatedAt);
        Assert.Equal(3, Register("m", "c").Version);
    }

    [WorkspaceFact]
    public void UpdateAndTags_ModelAndVersion_DeleteUnknownTagNamesTheTags()
    {
        Register("m");
        Assert.Equal("d", _ws.Models.UpdateModel("m", "d").Description);
        _ws.Models.SetModelTag("m", "a", "1");
        _ws.Models.SetModelTag("m", "a", "2");
        _ws.Models.SetModelTag("m", "b", "3");
        _ws.Models.DeleteModelTag("m", "b");
        Assert.Equal(new Dictionary<string, string> { ["a"] = "2" }, _ws.Models.GetModel("m").Tags);
        var e = Assert.Throws<MlpException>(() => _ws.Models.DeleteModelTag("m", "zz"));
        Assert.Equal((ErrorKind.NotFound, true), (e.Kind, e.Message.Contains("available: 'a'")));

        var v = _ws.Models.UpdateVersion("m", 1, "first");
        Assert.Equal("first", v.Description);
        Assert.NotNull(v.UpdatedAt);
        _ws.Models.SetVersionTag("m", 1, "k", "v");
        Assert.Equal("v", _ws.Models.Get(new ModelRef("m", 1, null)).Tags["k"]);
        _ws.Models.DeleteVersionTag("m", 1, "k");
        Assert.Empty(_ws.Models.Get(new ModelRef("m", 1, null)).Tags);
        Assert.Contains("'m:1'", Assert.Throws<MlpException>(() => _ws.Models.SetVersionTag("m", 9, "k", "v")).Message);
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => _ws.Models.UpdateModel("ghost", null)).Kind);
    }

    [WorkspaceFact]
    public void RenameModel_MovesVersionsAliasesHistory_RefusesTakenUsedOrDeployedNames()
    {
        Register("old");
        Register("old", "b");
        _ws.Models.SetAlias("old", "prod", 1, "ana");
        _ws.Models.SetModelTag("old", "t", "x");
        var renamed = _ws.Models.RenameModel("old", "new");
        Assert.Equal(("new", 2, 1, "x"), (renamed.Name, renamed.LatestVersion, renamed.Aliases["prod"], renamed.Tags["t"]));
        Assert.Equal([1, 2], _ws.Models.Versions("new").Select(v => v.Version));
        Assert.Single(_ws.Models.Get(new ModelRef("new", 1, null)).Files);
        Assert.Equal(["prod"], _ws.Models.History("new").Select(h => h.Alias));
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => _ws.Models.GetModel("old")).Kind);
        Assert.Equal(3, Register("new", "c").Version);
        Assert.Equal(3, Register("old", "d").Version); // the old name keeps its counter too

        _ws.Models.CreateModel("taken", null, new Dictionary<string, string>(), "ana");
        Assert.Equal(ErrorKind.Conflict, Assert.Throws<MlpException>(() => _ws.Models.RenameModel("new", "taken")).Kind);
        _ws.Models.DeleteModel("old");
        Assert.Contains("never reused", Assert.Throws<MlpException>(() => _ws.Models.RenameModel("new", "old")).Message);

        _ws.Endpoints.SaveEndpoint(new EndpointRecord { Name = "ep", AuthMode = "key", PrimaryKey = "k1", SecondaryKey = "k2", CreatedAt = DateTimeOffset.UtcNow });
        _ws.Endpoints.SaveDeployment(new DeploymentRecord { Endpoint = "ep", Name = "blue", Model = "new", ModelVersion = 2, Target = "local", InstanceCount = 1, Status = DeploymentStatus.Healthy, CreatedAt = DateTimeOffset.UtcNow });
        Assert.Contains("'ep/blue'", Assert.Throws<MlpException>(() => _ws.Models.RenameModel("new", "newer")).Message);
    }

    [WorkspaceFact]
    public void DeleteModel_RemovesEveryVersion_RefusedWhileAnAliasExists()
    {
        Register("m");
        Register("m", "b");
        _ws.Models.SetAlias("m", "prod", 2, "ana");
        var e = Assert.Throws<MlpException>(() => _ws.Models.DeleteModel("m"));
        Assert.Equal((ErrorKind.Conflict, true), (e.Kind, e.Message.Contains("'prod (v2)'")));
        _ws.Models.DeleteAlias("m", "prod", "ana");
        _ws.Models.DeleteModel("m");
        Assert.Empty(_ws.Models.Models());
        Assert.Empty(_ws.Models.List());
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => _ws.Models.Versions("m")).Kind);
        Assert.Equal(3, Register("m", "c").Version);
    }

    [WorkspaceFact]
    public void Register_WithoutFilesButASource_KeepsTheSource_RunOutputGetsRunsUri()
    {
        var v = _ws.Models.Register(new NewModelVersion { Name = "ext", Files = [], Source = "s3://bucket/model" });
        Assert.Equal(("s3://bucket/model", 0), (v.Source, v.Files.Count));
        Assert.Equal(ErrorKind.InvalidInput, Assert.Throws<MlpException>(() => _ws.Models.Register(new NewModelVersion { Name = "ext", Files = [] })).Kind);
        var run = _ws.Runs.CreateRun(new Core.Runs.NewRun("train"));
        var blob = _ws.Artifacts.PutFile(_dir.Write("w.bin", "w"));
        _ws.Runs.AddOutput(run.Id, new Core.Runs.RunOutput("model/w.bin", blob.Hash, blob.Size));
        Assert.Equal($"runs:/{run.Id}/model", _ws.Models.Register(new NewModelVersion { Name = "r", RunId = run.Id, RunOutputPath = "model" }).Source);
    }
}
