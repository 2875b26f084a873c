using System.Text.Json;

namespace MlPipelines.Mlflow.Tests;

public sealed class LifecycleContractEmbeddedTests(EmbeddedMlflowServer s) : LifecycleContractTests(s), IClassFixture<EmbeddedMlflowServer>;
public sealed class LifecycleContractSqliteTests(SqliteMlflowServer s) : LifecycleContractTests(s), IClassFixture<SqliteMlflowServer>;
[OnPostgres] public sealed class LifecycleContractPostgresTests(PostgresMlflowServer s) : LifecycleContractTests(s), IClassFixture<PostgresMlflowServer>;

/// <summary>Renaming, soft deletion and restoring of experiments and runs, experiment tags and log-inputs, from MLflow's REST API reference.</summary>
public abstract class LifecycleContractTests(MlflowServer server)
{
    [BackendFact]
    public async Task Experiment_RenameDeleteRestore_LifecycleStageAndViewTypes()
    {
        var ml = await server.NewWorkspaceAsync();
        var id = await CreateExperiment(ml, "churn");
        (await ml.Post("experiments/create", new { name = "other" })).Ok();
        (await ml.Post("experiments/update", new { experiment_id = id, new_name = "churn-v2" })).Ok();
        Assert.Equal(id, (await ml.Get("experiments/get-by-name?experiment_name=churn-v2")).Ok().GetProperty("experiment").GetProperty("experiment_id").GetString());
        Assert.Contains("'other'", (await ml.Post("experiments/update", new { experiment_id = id, new_name = "other" })).Error(400, "RESOURCE_ALREADY_EXISTS"));

        (await ml.Post("experiments/delete", new { experiment_id = id })).Ok();
        var deleted = (await ml.Get($"experiments/get?experiment_id={id}")).Ok().GetProperty("experiment");
        Assert.Equal("deleted", deleted.GetProperty("lifecycle_stage").GetString());
        Assert.Equal(["Default", "other"], await Names(ml, "ACTIVE_ONLY"));
        Assert.Equal(["churn-v2"], await Names(ml, "DELETED_ONLY"));
        Assert.Equal(["Default", "churn-v2", "other"], await Names(ml, "ALL"));
        Assert.Equal("Cannot rename a non-active experiment.", (await ml.Post("experiments/update", new { experiment_id = id, new_name = "x" })).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Contains("already deleted", (await ml.Post("experiments/delete", new { experiment_id = id })).Error(404, "RESOURCE_DOES_NOT_EXIST"));
        Assert.Contains("'churn-v2'", (await ml.Post("experiments/create", new { name = "churn-v2" })).Error(400, "RESOURCE_ALREADY_EXISTS"));
        Assert.Contains("must be in the 'active' state", (await ml.Post("runs/create", new { experiment_id = id })).Error(400, "INVALID_PARAMETER_VALUE"));

        (await ml.Post("experiments/restore", new { experiment_id = id })).Ok();
        Assert.Equal("active", (await ml.Get($"experiments/get?experiment_id={id}")).Ok().GetProperty("experiment").GetProperty("lifecycle_stage").GetString());
        Assert.Contains("is active", (await ml.Post("experiments/restore", new { experiment_id = id })).Error(404, "RESOURCE_DOES_NOT_EXIST"));
        Assert.Contains("default experiment", (await ml.Post("experiments/delete", new { experiment_id = "0" })).Error(400, "INVALID_PARAMETER_VALUE"));
        (await ml.Post("experiments/delete", new { experiment_id = "424242" })).Error(404, "RESOURCE_DOES_NOT_EXIST");
        (await ml.Post("experiments/update", new { new_name = "x" })).Error(400, "INVALID_PARAMETER_VALUE");
    }

    [BackendFact]
    public async Task ExperimentTags_CreateSetDeleteAndSearch()
    {
        var ml = await server.NewWorkspaceAsync();
        var id = await CreateExperiment(ml, "tagged", new[] { new { key = "owner", value = "ana" } });
        await CreateExperiment(ml, "plain");
        (await ml.Post("experiments/set-experiment-tag", new { experiment_id = id, key = "mlflow.note.content", value = "first" })).Ok();
        (await ml.Post("experiments/set-experiment-tag", new { experiment_id = id, key = "mlflow.note.content", value = "second" })).Ok();
        Assert.Equal(new Dictionary<string, string> { ["mlflow.note.content"] = "second", ["owner"] = "ana" }, await Tags(ml, id));

        Assert.Equal(["tagged"], await Names(ml, "ACTIVE_ONLY", "tags.owner = 'ana'"));
        Assert.Equal(["tagged"], await Names(ml, "ACTIVE_ONLY", "tags.`mlflow.note.content` LIKE 'sec%' AND name != 'plain'"));
        Assert.Empty(await Names(ml, "ACTIVE_ONLY", "tags.owner != 'ana'")); // an experiment without the tag never matches

        (await ml.Post("experiments/delete-experiment-tag", new { experiment_id = id, key = "owner" })).Ok();
        Assert.Equal(["mlflow.note.content"], (await Tags(ml, id)).Keys);
        var missing = (await ml.Post("experiments/delete-experiment-tag", new { experiment_id = id, key = "owner" })).Error(404, "RESOURCE_DOES_NOT_EXIST");
        Assert.Contains("mlflow.note.content", missing);
        (await ml.Post("experiments/set-experiment-tag", new { experiment_id = "0", key = "k", value = "v" })).Ok(); // the default experiment, before its first run
        Assert.Equal("v", (await Tags(ml, "0"))["k"]);

        (await ml.Post("experiments/delete", new { experiment_id = id })).Ok();
        Assert.Contains("'active' state", (await ml.Post("experiments/set-experiment-tag", new { experiment_id = id, key = "k", value = "v" })).Error(400, "INVALID_PARAMETER_VALUE"));
        (await ml.Post("experiments/set-experiment-tag", new { experiment_id = "0", value = "v" })).Error(400, "INVALID_PARAMETER_VALUE");
    }

    [BackendFact]
    public async Task Run_DeleteRestore_HiddenFromActiveSearchStillGettable()
    {
        var ml = await server.NewWorkspaceAsync();
        var exp = await CreateExperiment(ml, "e");
        var kept = await ml.CreateRun(exp, "kept");
        var gone = await ml.CreateRun(exp, "gone");
        (await ml.Post("runs/delete", new { run_id = gone })).Ok();
        (await ml.Post("runs/delete", new { run_id = gone })).Ok(); // again: no change
        Assert.Equal("deleted", (await ml.Get($"runs/get?run_id={gone}")).Ok().GetProperty("run").GetProperty("info").GetProperty("lifecycle_stage").GetString());
        Assert.Equal([kept], await RunIds(ml, exp, "ACTIVE_ONLY"));
        Assert.Equal([gone], await RunIds(ml, exp, "DELETED_ONLY"));
        Assert.Equal([gone, kept], await RunIds(ml, exp, "ALL"));
        Assert.Contains("'active' state", (await ml.Post("runs/update", new { run_id = gone, status = "FINISHED" })).Error(400, "INVALID_PARAMETER_VALUE"));

        using (var ws = ml.Open())
            Assert.Equal([kept], ws.Runs.QueryRuns(new Core.Runs.RunQuery { Experiment = "e" }).Select(r => r.Id)); // the native listing hides it too

        (await ml.Post("runs/restore", new { run_id = gone })).Ok();
        Assert.Equal("active", (await ml.Get($"runs/get?run_id={gone}")).Ok().GetProperty("run").GetProperty("info").GetProperty("lifecycle_stage").GetString());
        Assert.Equal([gone, kept], await RunIds(ml, exp, "ACTIVE_ONLY"));
        (await ml.Post("runs/delete", new { run_id = "run-nope" })).Error(404, "RESOURCE_DOES_NOT_EXIST");
        (await ml.Post("runs/restore", new { })).Error(400, "INVALID_PARAMETER_VALUE");
    }

    [BackendFact]
    public async Task DeletedExperiment_ItsRunsReadDeleted_RestoreBringsBackThoseNotDeletedOnTheirOwn()
    {
        var ml = await server.NewWorkspaceAsync();
        var exp = await CreateExperiment(ml, "e");
        var other = await CreateExperiment(ml, "o");
        var a = await ml.CreateRun(exp, "a");
        var b = await ml.CreateRun(exp, "b");
        var c = await ml.CreateRun(other, "c");
        (await ml.Post("runs/delete", new { run_id = b })).Ok();
        (await ml.Post("experiments/delete", new { experiment_id = exp })).Ok();
        Assert.Equal("deleted", (await ml.Get($"runs/get?run_id={a}")).Ok().GetProperty("run").GetProperty("info").GetProperty("lifecycle_stage").GetString());
        Assert.Empty(await RunIds(ml, exp, "ACTIVE_ONLY"));
        Assert.Equal([b, a], await RunIds(ml, exp, "DELETED_ONLY"));
        // Every active experiment (the deleted one left out, as a client listing active experiments does) is the whole workspace.
        var active = await Search(ml, new { experiment_ids = new[] { "0", other }, run_view_type = "ACTIVE_ONLY" });
        Assert.Equal([c], active);
        Assert.Contains("restore the experiment", (await ml.Post("runs/restore", new { run_id = a })).Error(400, "INVALID_PARAMETER_VALUE"));

        (await ml.Post("experiments/restore", new { experiment_id = exp })).Ok();
        Assert.Equal([a], await RunIds(ml, exp, "ACTIVE_ONLY"));
        Assert.Equal([b], await RunIds(ml, exp, "DELETED_ONLY"));
    }

    [BackendFact]
    public async Task LogInputs_DatasetsShownByGetAndSearch_FirstInputKept()
    {
        var ml = await server.NewWorkspaceAsync();
        var exp = await CreateExperiment(ml, "e");
        var id = await ml.CreateRun(exp);
        var train = new { name = "train", digest = "a1b2c3", source_type = "local", source = """{"uri": "/data/train.csv"}""", schema = """{"mlflow_colspec": []}""", profile = """{"num_rows": 10}""" };
        (await ml.Post("runs/log-inputs", new
        {
            run_id = id,
            datasets = new object[]
            {
                new { tags = new[] { new { key = "mlflow.data.context", value = "training" } }, dataset = train },
                new { dataset = new { name = "eval", digest = "ffff", source_type = "s3", source = "s3://bucket/eval" } },
            },
        })).Ok();
        (await ml.Post("runs/log-inputs", new { run_id = id, datasets = new[] { new { tags = new[] { new { key = "mlflow.data.context", value = "again" } }, dataset = train } } })).Ok();

        var inputs = (await ml.Get($"runs/get?run_id={id}")).Ok().GetProperty("run").GetProperty("inputs").GetProperty("dataset_inputs");
        Assert.Equal(2, inputs.GetArrayLength());
        var first = inputs[0];
        Assert.Equal(("mlflow.data.context", "training"), (first.GetProperty("tags")[0].GetProperty("key").GetString(), first.GetProperty("tags")[0].GetProperty("value").GetString()));
        var d = first.GetProperty("dataset");
        Assert.Equal(("train", "a1b2c3", "local", """{"uri": "/data/train.csv"}""", """{"num_rows": 10}"""),
            (d.GetProperty("name").GetString(), d.GetProperty("digest").GetString(), d.GetProperty("source_type").GetString(), d.GetProperty("source").GetString(), d.GetProperty("profile").GetString()));
        Assert.False(inputs[1].GetProperty("dataset").TryGetProperty("schema", out _));
        var searched = (await ml.Post("runs/search", new { experiment_ids = new[] { exp } })).Ok().GetProperty("runs")[0];
        Assert.Equal(2, searched.GetProperty("inputs").GetProperty("dataset_inputs").GetArrayLength());

        Assert.Equal("Dataset digest cannot be None", (await ml.Post("runs/log-inputs", new { run_id = id, datasets = new[] { new { dataset = new { name = "x", source_type = "local", source = "s" } } } })).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Equal("'digest' exceeds the maximum length of 36 characters",
            (await ml.Post("runs/log-inputs", new { run_id = id, datasets = new[] { new { dataset = new { name = "x", digest = new string('a', 37), source_type = "local", source = "s" } } } })).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Equal(2, (await ml.Get($"runs/get?run_id={id}")).Ok().GetProperty("run").GetProperty("inputs").GetProperty("dataset_inputs").GetArrayLength());
        (await ml.Post("runs/log-inputs", new { run_id = "run-nope", datasets = Array.Empty<object>() })).Error(404, "RESOURCE_DOES_NOT_EXIST");
        (await ml.Post("runs/delete", new { run_id = id })).Ok();
        Assert.Contains("'active' state", (await ml.Post("runs/log-inputs", new { run_id = id, datasets = new[] { new { dataset = train } } })).Error(400, "INVALID_PARAMETER_VALUE"));
    }

    private static async Task<string> CreateExperiment(MlflowClient ml, string name, object? tags = null) =>
        (await ml.Post("experiments/create", new { name, tags = tags ?? Array.Empty<object>() })).Ok().GetProperty("experiment_id").GetString()!;

    private static async Task<List<string?>> Names(MlflowClient ml, string view, string? filter = null) =>
        (await ml.Post("experiments/search", new { view_type = view, filter, order_by = new[] { "name" } })).Ok()
            .GetProperty("experiments").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();

    private static async Task<Dictionary<string, string>> Tags(MlflowClient ml, string id) =>
        (await ml.Get($"experiments/get?experiment_id={id}")).Ok().GetProperty("experiment").GetProperty("tags").EnumerateArray()
            .ToDictionary(t => t.GetProperty("key").GetString()!, t => t.GetProperty("value").GetString()!);

    private static Task<List<string?>> RunIds(MlflowClient ml, string experimentId, string view) =>
        Search(ml, new { experiment_ids = new[] { experimentId }, run_view_type = view });

    private static async Task<List<string?>> Search(MlflowClient ml, object body) =>
        (await ml.Post("runs/search", body)).Ok().GetProperty("runs").EnumerateArray()
            .Select(r => r.GetProperty("info").GetProperty("run_id").GetString()).ToList();
}
