namespace MlPipelines.Mlflow.Tests;

public sealed class RunContractEmbeddedTests(EmbeddedMlflowServer s) : RunContractTests(s), IClassFixture<EmbeddedMlflowServer>;
public sealed class RunContractSqliteTests(SqliteMlflowServer s) : RunContractTests(s), IClassFixture<SqliteMlflowServer>;
[OnPostgres] public sealed class RunContractPostgresTests(PostgresMlflowServer s) : RunContractTests(s), IClassFixture<PostgresMlflowServer>;

/// <summary>runs/create, get and update, and how MLflow's runs are the workspace's runs.</summary>
public abstract class RunContractTests(MlflowServer server)
{
    [BackendFact]
    public async Task Create_NameTagsUser_ReturnedAsMlflowRun()
    {
        var ml = await server.NewWorkspaceAsync();
        var exp = (await ml.Post("experiments/create", new { name = "iris" })).Ok().GetProperty("experiment_id").GetString()!;
        var run = (await ml.Post("runs/create", new { experiment_id = exp, run_name = "first", user_id = "ana", start_time = "1700000000000",
            tags = new[] { new { key = "team", value = "x" } } })).Ok().GetProperty("run");
        var info = run.GetProperty("info");
        Assert.Equal(info.GetProperty("run_id").GetString(), info.GetProperty("run_uuid").GetString());
        Assert.Equal(("first", "RUNNING", exp, "ana"), (info.GetProperty("run_name").GetString(), info.GetProperty("status").GetString(),
            info.GetProperty("experiment_id").GetString(), info.GetProperty("user_id").GetString()));
        var tags = run.GetProperty("data").GetProperty("tags").EnumerateArray().ToDictionary(t => t.GetProperty("key").GetString()!, t => t.GetProperty("value").GetString());
        Assert.Equal(("x", "first", "ana"), (tags["team"], tags["mlflow.runName"], tags["mlflow.user"]));
    }

    [BackendFact]
    public async Task Get_ByRunIdOrLegacyRunUuid_SameRun_UnknownIs404()
    {
        var ml = await server.NewWorkspaceAsync();
        var id = await ml.CreateRun(name: "r1");
        Assert.Equal("r1", (await ml.Get($"runs/get?run_id={id}")).Ok().GetProperty("run").GetProperty("info").GetProperty("run_name").GetString());
        Assert.Equal(id, (await ml.Get($"runs/get?run_uuid={id}")).Ok().GetProperty("run").GetProperty("info").GetProperty("run_id").GetString());
        (await ml.Get("runs/get?run_id=run-nope")).Error(404, "RESOURCE_DOES_NOT_EXIST");
        (await ml.Get("runs/get")).Error(400, "INVALID_PARAMETER_VALUE");
    }

    [BackendFact]
    public async Task Update_Finished_EndsRunOnceAndShowsInNativeApi()
    {
        var ml = await server.NewWorkspaceAsync();
        var id = await ml.CreateRun();
        var info = (await ml.Post("runs/update", new { run_uuid = id, status = "FINISHED", end_time = 1 })).Ok().GetProperty("run_info");
        Assert.Equal("FINISHED", info.GetProperty("status").GetString());
        Assert.True(info.GetProperty("end_time").GetInt64() >= info.GetProperty("start_time").GetInt64());
        (await ml.Post("runs/update", new { run_id = id, status = "RUNNING" })).Error(400, "INVALID_PARAMETER_VALUE");
        (await ml.Post("runs/update", new { run_id = id, status = "DONE" })).Error(400, "INVALID_PARAMETER_VALUE");
        Assert.Equal("renamed", (await ml.Post("runs/update", new { run_id = id, run_name = "renamed" })).Ok().GetProperty("run_info").GetProperty("run_name").GetString());
        var tags = (await ml.Get($"runs/get?run_id={id}")).Ok().GetProperty("run").GetProperty("data").GetProperty("tags").EnumerateArray();
        Assert.Contains(tags, t => t.GetProperty("key").GetString() == "mlflow.runName" && t.GetProperty("value").GetString() == "renamed");

        using var ws = ml.Open();
        var stored = ws.Runs.GetRun(id);
        Assert.Equal((Core.Runs.RunStatus.Completed, "mlflow", "renamed"), (stored.Status, stored.Kind, stored.DisplayName));
    }

    [BackendFact]
    public async Task Create_ParentRunTag_MakesAChildRun()
    {
        var ml = await server.NewWorkspaceAsync();
        var parent = await ml.CreateRun(name: "parent");
        var child = await ml.CreateRun(name: "child", tags: new[] { new { key = "mlflow.parentRunId", value = parent } });
        using var ws = ml.Open();
        Assert.Equal(parent, ws.Runs.GetRun(child).ParentRunId);
        Assert.Null(ws.Runs.GetRun(parent).ParentRunId);
    }

    [BackendFact]
    public async Task Errors_MalformedBodyUnknownEndpointAndAjaxPrefix_AnsweredTheMlflowWay()
    {
        var ml = await server.NewWorkspaceAsync();
        Assert.StartsWith("Malformed JSON", (await ml.Post("runs/create", "{not json")).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Contains("runs/log-batch", (await ml.Post("runs/no-such-call", new { run_id = "x" })).Error(404, "ENDPOINT_NOT_FOUND"));
        var viaAjax = (await ml.Post("runs/create", new { run_name = "ajax" }, prefix: "ajax-api")).Ok();
        Assert.Equal("ajax", viaAjax.GetProperty("run").GetProperty("info").GetProperty("run_name").GetString());
        (await ml.Post("runs/create", new { experiment_id = "999" })).Error(404, "RESOURCE_DOES_NOT_EXIST");
    }
}
