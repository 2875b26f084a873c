namespace MlPipelines.Mlflow.Tests;

public sealed class ExperimentContractEmbeddedTests(EmbeddedMlflowServer s) : ExperimentContractTests(s), IClassFixture<EmbeddedMlflowServer>;
public sealed class ExperimentContractSqliteTests(SqliteMlflowServer s) : ExperimentContractTests(s), IClassFixture<SqliteMlflowServer>;
[OnPostgres] public sealed class ExperimentContractPostgresTests(PostgresMlflowServer s) : ExperimentContractTests(s), IClassFixture<PostgresMlflowServer>;

/// <summary>experiments/create, get, get-by-name and search, from MLflow's REST API reference.</summary>
public abstract class ExperimentContractTests(MlflowServer server)
{
    [BackendFact]
    public async Task Create_ThenGetAndGetByName_SameExperiment()
    {
        var ml = await server.NewWorkspaceAsync();
        var id = (await ml.Post("experiments/create", new { name = "churn" })).Ok().GetProperty("experiment_id").GetString()!;
        Assert.NotEqual("0", id);
        var byId = (await ml.Get($"experiments/get?experiment_id={id}")).Ok().GetProperty("experiment");
        Assert.Equal(("churn", "active"), (byId.GetProperty("name").GetString(), byId.GetProperty("lifecycle_stage").GetString()));
        var byName = (await ml.Get("experiments/get-by-name?experiment_name=churn")).Ok().GetProperty("experiment");
        Assert.Equal(id, byName.GetProperty("experiment_id").GetString());
        Assert.True(byName.GetProperty("creation_time").GetInt64() > 1_700_000_000_000);
    }

    [BackendFact]
    public async Task Create_TakenName_ResourceAlreadyExists400()
    {
        var ml = await server.NewWorkspaceAsync();
        (await ml.Post("experiments/create", new { name = "dup" })).Ok();
        Assert.Contains("'dup'", (await ml.Post("experiments/create", new { name = "dup" })).Error(400, "RESOURCE_ALREADY_EXISTS"));
        Assert.Contains("'name'", (await ml.Post("experiments/create", new { })).Error(400, "INVALID_PARAMETER_VALUE"));
    }

    [BackendFact]
    public async Task Get_Unknown_ResourceDoesNotExist404()
    {
        var ml = await server.NewWorkspaceAsync();
        Assert.Equal("No Experiment with id=424242 exists", (await ml.Get("experiments/get?experiment_id=424242")).Error(404, "RESOURCE_DOES_NOT_EXIST"));
        (await ml.Get("experiments/get-by-name?experiment_name=nope")).Error(404, "RESOURCE_DOES_NOT_EXIST");
    }

    [BackendFact]
    public async Task Default_IdZero_AlwaysThereAndTakesRunsWithoutExperiment()
    {
        var ml = await server.NewWorkspaceAsync();
        Assert.Equal("Default", (await ml.Get("experiments/get?experiment_id=0")).Ok().GetProperty("experiment").GetProperty("name").GetString());
        var run = (await ml.Post("runs/create", new { run_name = "r" })).Ok().GetProperty("run").GetProperty("info");
        Assert.Equal("0", run.GetProperty("experiment_id").GetString());
        Assert.Equal("0", (await ml.Get("experiments/get-by-name?experiment_name=Default")).Ok().GetProperty("experiment").GetProperty("experiment_id").GetString());
    }

    [BackendFact]
    public async Task Search_FilterOrderAndPaging_PostAndGetAgree()
    {
        var ml = await server.NewWorkspaceAsync();
        foreach (var name in new[] { "team-a", "team-b", "team-c", "other" }) (await ml.Post("experiments/create", new { name })).Ok();
        var first = (await ml.Post("experiments/search", new { filter = "name LIKE 'team-%'", order_by = new[] { "name DESC" }, max_results = 2 })).Ok();
        Assert.Equal(["team-c", "team-b"], first.GetProperty("experiments").EnumerateArray().Select(e => e.GetProperty("name").GetString()));
        var token = first.GetProperty("next_page_token").GetString();
        var second = (await ml.Post("experiments/search", new { filter = "name LIKE 'team-%'", order_by = new[] { "name DESC" }, max_results = 2, page_token = token })).Ok();
        Assert.Equal(["team-a"], second.GetProperty("experiments").EnumerateArray().Select(e => e.GetProperty("name").GetString()));
        Assert.False(second.TryGetProperty("next_page_token", out _));
        var viaGet = (await ml.Get("experiments/search?filter=name%20%3D%20%27other%27&max_results=10")).Ok();
        Assert.Equal(["other"], viaGet.GetProperty("experiments").EnumerateArray().Select(e => e.GetProperty("name").GetString()));
        (await ml.Post("experiments/search", new { page_token = "!!" })).Error(400, "INVALID_PARAMETER_VALUE");
        Assert.Contains("'owner'", (await ml.Post("experiments/search", new { filter = "owner = 'y'" })).Error(400, "INVALID_PARAMETER_VALUE"));
        (await ml.Post("experiments/search", new { filter = "creation_time > 'soon'" })).Error(400, "INVALID_PARAMETER_VALUE");
    }
}
