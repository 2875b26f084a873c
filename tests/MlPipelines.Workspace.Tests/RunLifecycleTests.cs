using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;
using MlPipelines.Workspace.Tests.Backends;

namespace MlPipelines.Workspace.Tests;

public sealed class RunLifecycleSqliteTests() : RunLifecycleTests(new SqliteBackend());
[RequiresPostgres] public sealed class RunLifecyclePostgresTests() : RunLifecycleTests(new PostgresBackend());

/// <summary>Renaming and soft deletion of experiments and runs, experiment tags and described dataset inputs, on every engine.</summary>
public abstract class RunLifecycleTests : IDisposable
{
    private readonly WorkspaceBackend _backend;
    private readonly IWorkspace _ws;

    protected RunLifecycleTests(WorkspaceBackend backend)
    {
        _backend = backend;
        _ws = backend.Open();
    }

    public void Dispose()
    {
        _ws.Dispose();
        _backend.Dispose();
    }

    private IRunStore Runs => _ws.Runs;

    private List<string> Ids(RunQuery query) => Runs.QueryRuns(query).Select(r => r.Id).ToList();

    [WorkspaceFact]
    public void DeleteRun_HiddenFromQueriesByDefault_StillReadable_Restorable()
    {
        var kept = Runs.CreateRun(new NewRun("e", "kept")).Id;
        var gone = Runs.CreateRun(new NewRun("e", "gone")).Id;
        var t = DateTimeOffset.UtcNow;
        Runs.LogMetrics(kept, [new("acc", 0.5, 0, t)]);
        Runs.LogMetrics(gone, [new("acc", 0.9, 0, t)]);
        Runs.DeleteRun(gone);
        Runs.DeleteRun(gone); // again: no change

        Assert.Equal([kept], Ids(new RunQuery { Experiment = "e" }));
        Assert.Equal([kept], Ids(new RunQuery { OrderBy = "metrics.acc desc" })); // the metric-driven plan too
        Assert.Equal([gone], Ids(new RunQuery { Lifecycle = RunLifecycle.Deleted, Filter = "metrics.acc > 0.1" }));
        Assert.Equal([gone, kept], Ids(new RunQuery { Lifecycle = RunLifecycle.All, OrderBy = "metrics.acc desc" }));
        var read = Runs.GetRun(gone);
        Assert.NotNull(read.DeletedAt);
        Assert.Equal(0.9, read.LatestMetrics["acc"]);
        Assert.Null(Runs.GetRun(kept).DeletedAt);

        Runs.RestoreRun(gone);
        Assert.Null(Runs.GetRun(gone).DeletedAt);
        Assert.Equal(2, Ids(new RunQuery()).Count);
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => Runs.DeleteRun("run-nope")).Kind);
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => Runs.RestoreRun("run-nope")).Kind);
    }

    [WorkspaceFact]
    public void DeleteExperiment_RunsReadDeleted_NewRunsRefused_RestoreKeepsRunsDeletedOnTheirOwn()
    {
        var a = Runs.CreateRun(new NewRun("e", "a")).Id;
        var b = Runs.CreateRun(new NewRun("e", "b")).Id;
        var other = Runs.CreateRun(new NewRun("o", "c")).Id;
        Runs.DeleteRun(b);
        Runs.DeleteExperiment("e");
        Runs.DeleteExperiment("e"); // again: no change

        Assert.NotNull(Runs.ListExperiments().Single(x => x.Name == "e").DeletedAt);
        Assert.NotNull(Runs.GetRun(a).DeletedAt);
        Assert.Equal([other], Ids(new RunQuery()));
        Assert.Empty(Ids(new RunQuery { Experiment = "e" }));
        Assert.Equal([b, a], Ids(new RunQuery { Experiment = "e", Lifecycle = RunLifecycle.Deleted }));
        var refused = Assert.Throws<MlpException>(() => Runs.CreateRun(new NewRun("e")));
        Assert.Equal(ErrorKind.InvalidInput, refused.Kind);
        Assert.Contains("'e' is deleted", refused.Message);
        var notAlone = Assert.Throws<MlpException>(() => Runs.RestoreRun(a));
        Assert.Contains("restore the experiment", notAlone.Message);
        Assert.Contains("deleted", Assert.Throws<MlpException>(() => Runs.CreateExperiment("e")).Message);

        Runs.RestoreExperiment("e");
        Assert.Null(Runs.ListExperiments().Single(x => x.Name == "e").DeletedAt);
        Assert.Equal([a], Ids(new RunQuery { Experiment = "e" }));
        Assert.NotNull(Runs.GetRun(b).DeletedAt);
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => Runs.DeleteExperiment("nope")).Kind);
    }

    [WorkspaceFact]
    public void RenameExperiment_RunsFollow_TakenNameConflicts_UnknownNamesTheExperiments()
    {
        var run = Runs.CreateRun(new NewRun("churn")).Id;
        Runs.CreateExperiment("other");
        var id = Runs.ListExperiments().Single(x => x.Name == "churn").Id;
        Runs.RenameExperiment("churn", "churn-v2");

        var renamed = Runs.ListExperiments().Single(x => x.Id == id);
        Assert.Equal(("churn-v2", 1), (renamed.Name, renamed.RunCount));
        Assert.Equal("churn-v2", Runs.GetRun(run).Experiment);
        Assert.Equal([run], Ids(new RunQuery { Experiment = "churn-v2" }));
        Assert.Equal(ErrorKind.Conflict, Assert.Throws<MlpException>(() => Runs.RenameExperiment("churn-v2", "other")).Kind);
        var unknown = Assert.Throws<MlpException>(() => Runs.RenameExperiment("churn", "x"));
        Assert.Equal(ErrorKind.NotFound, unknown.Kind);
        Assert.Contains("churn-v2", unknown.Message);
        Assert.Equal(ErrorKind.InvalidInput, Assert.Throws<MlpException>(() => Runs.RenameExperiment("churn-v2", "has space")).Kind);
        Runs.CreateRun(new NewRun("churn")); // the old name is free again
        Assert.Equal(3, Runs.ListExperiments().Count);
    }

    [WorkspaceFact]
    public void ExperimentTags_CreateSetOverwriteDelete_MissingNamesTheTags()
    {
        Runs.CreateExperiment("e", new Dictionary<string, string> { ["owner"] = "ana" });
        Runs.SetExperimentTags("e", new Dictionary<string, string> { ["stage"] = "dev", ["owner"] = "bo" });
        Assert.Equal(new Dictionary<string, string> { ["owner"] = "bo", ["stage"] = "dev" }, Runs.ListExperiments().Single().Tags);

        Runs.DeleteExperimentTag("e", "owner");
        Assert.Equal(["stage"], Runs.ListExperiments().Single().Tags.Keys);
        var missing = Assert.Throws<MlpException>(() => Runs.DeleteExperimentTag("e", "owner"));
        Assert.Equal(ErrorKind.NotFound, missing.Kind);
        Assert.Contains("'stage'", missing.Message);
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => Runs.SetExperimentTags("nope", new Dictionary<string, string> { ["k"] = "v" })).Kind);
        Assert.Equal(ErrorKind.InvalidInput, Assert.Throws<MlpException>(() => Runs.SetExperimentTags("e", new Dictionary<string, string> { ["bad key"] = "v" })).Kind);
    }

    [WorkspaceFact]
    public void RenameRun_NewDisplayName_InvalidRefused()
    {
        var id = Runs.CreateRun(new NewRun("e", "first")).Id;
        Runs.RenameRun(id, "second");
        Assert.Equal("second", Runs.GetRun(id).DisplayName);
        Assert.Equal([id], Ids(new RunQuery { Filter = "attributes.name = 'second'" }));
        Assert.Equal(ErrorKind.InvalidInput, Assert.Throws<MlpException>(() => Runs.RenameRun(id, "has space")).Kind);
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => Runs.RenameRun("run-nope", "x")).Kind);
    }

    [WorkspaceFact]
    public void ExternalDatasetInputs_KeptInOrder_FirstOfANameAndDigestWins_ReadInOneBatch()
    {
        var a = Runs.CreateRun(new NewRun("e")).Id;
        var b = Runs.CreateRun(new NewRun("e")).Id;
        var train = new ExternalDatasetInput("train", "abc123", "local", """{"uri": "/d/train.csv"}""", """{"cols": []}""", """{"rows": 3}""")
        {
            Tags = new Dictionary<string, string> { ["mlflow.data.context"] = "training" },
        };
        Runs.AddExternalDatasetInputs(a, [train, new ExternalDatasetInput("eval", "ffff", "s3", "s3://b/eval")]);
        Runs.AddExternalDatasetInputs(a, [train with { Tags = new Dictionary<string, string> { ["mlflow.data.context"] = "again" } }]);
        Runs.AddExternalDatasetInputs(b, [train with { Digest = "def456" }]);

        var all = Runs.GetExternalDatasetInputs([a, b, "run-nope"]);
        Assert.Equal(2, all.Count);
        Assert.Equal(["train", "eval"], all[a].Select(i => i.Name));
        var first = all[a][0];
        Assert.Equal(("abc123", "local", """{"uri": "/d/train.csv"}""", """{"cols": []}""", """{"rows": 3}""", "training"),
            (first.Digest, first.SourceType, first.Source, first.Schema, first.Profile, first.Tags["mlflow.data.context"]));
        Assert.Null(all[a][1].Schema);
        Assert.Empty(all[a][1].Tags);
        Assert.Equal("def456", Assert.Single(all[b]).Digest);
        Assert.Empty(Runs.GetExternalDatasetInputs([]));

        var noDigest = Assert.Throws<MlpException>(() => Runs.AddExternalDatasetInputs(a, [new ExternalDatasetInput("x", "", "local", "s")]));
        Assert.Contains("digest", noDigest.Message);
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => Runs.AddExternalDatasetInputs("run-nope", [train])).Kind);
    }
}
