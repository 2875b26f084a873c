using System.Text.Json;

namespace MlPipelines.Mlflow.Tests;

public sealed class SearchContractEmbeddedTests(EmbeddedMlflowServer s) : SearchContractTests(s), IClassFixture<EmbeddedMlflowServer>;
public sealed class SearchContractSqliteTests(SqliteMlflowServer s) : SearchContractTests(s), IClassFixture<SqliteMlflowServer>;
[OnPostgres] public sealed class SearchContractPostgresTests(PostgresMlflowServer s) : SearchContractTests(s), IClassFixture<PostgresMlflowServer>;

/// <summary>runs/search: MLflow's filter grammar (plus OR), order_by, paging, and runs logged natively.</summary>
public abstract class SearchContractTests(MlflowServer server)
{
    private async Task<(MlflowClient Ml, string Exp, Dictionary<string, string> Ids)> Seed()
    {
        var ml = await server.NewWorkspaceAsync();
        var exp = (await ml.Post("experiments/create", new { name = "s" })).Ok().GetProperty("experiment_id").GetString()!;
        var ids = new Dictionary<string, string>();
        foreach (var (name, acc, lr) in new[] { ("a", 0.5, "0.1"), ("b", 0.7, "0.2"), ("c", 0.9, "0.1"), ("d", 0.6, "0.3") })
        {
            var id = ids[name] = await ml.CreateRun(exp, name, new[] { new { key = "group", value = name is "a" or "b" ? "x" : "y" } });
            (await ml.Post("runs/log-batch", new { run_id = id, metrics = new[] { new { key = "acc", value = acc, timestamp = 1L, step = 0L } }, @params = new[] { new { key = "lr", value = lr } } })).Ok();
        }
        (await ml.Post("runs/update", new { run_id = ids["d"], status = "FINISHED" })).Ok();
        return (ml, exp, ids);
    }

    private static async Task<List<string>> Names(MlflowClient ml, object body) =>
        (await ml.Post("runs/search", body)).Ok().GetProperty("runs").EnumerateArray()
            .Select(r => r.GetProperty("info").GetProperty("run_name").GetString()!).ToList();

    [BackendFact]
    public async Task Filter_MlflowGrammar_MatchesLikeMlflow()
    {
        var (ml, exp, ids) = await Seed();
        string[] e = [exp];
        Assert.Equal(["c", "b"], await Names(ml, new { experiment_ids = e, filter = "metrics.acc > 0.65 and params.lr != '0.3'", order_by = new[] { "metrics.acc DESC" } }));
        Assert.Equal(["a", "c"], await Names(ml, new { experiment_ids = e, filter = "params.lr = '0.1'", order_by = new[] { "attributes.run_name" } }));
        Assert.Equal(["d"], await Names(ml, new { experiment_ids = e, filter = "attributes.status = 'FINISHED'" }));
        Assert.Equal(["a", "b", "c"], await Names(ml, new { experiment_ids = e, filter = "status != 'FINISHED'", order_by = new[] { "run_name ASC" } }));
        Assert.Equal(["b"], await Names(ml, new { experiment_ids = e, filter = "tags.\"mlflow.runName\" = 'b'" }));
        Assert.Equal(["a", "b"], await Names(ml, new { experiment_ids = e, filter = "tags.`group` LIKE 'x%'", order_by = new[] { "tag.mlflow.runName" } }));
        Assert.Equal(["a", "c"], await Names(ml, new { experiment_ids = e, filter = $"attributes.run_id IN ('{ids["a"]}', '{ids["c"]}')", order_by = new[] { "run_name" } }));
        Assert.Equal(["b", "d"], await Names(ml, new { experiment_ids = e, filter = $"run_id NOT IN ('{ids["a"]}', '{ids["c"]}')", order_by = new[] { "run_name" } }));
        Assert.Equal(["a", "b", "c", "d"], await Names(ml, new { experiment_ids = e, filter = "attributes.status ILIKE 'fini%' or params.lr ILIKE '0.%'", order_by = new[] { "run_name" } }));
    }

    [BackendFact]
    public async Task Filter_OrAndParentheses_AnExtensionOverMlflow()
    {
        var (ml, exp, _) = await Seed();
        Assert.Equal(["a", "d"], await Names(ml, new { experiment_ids = new[] { exp }, filter = "(metrics.acc < 0.55 or metrics.acc = 0.6) and tags.group != 'z'", order_by = new[] { "run_name" } }));
    }

    [BackendFact]
    public async Task Filter_Invalid_400NamingTheProblem()
    {
        var (ml, exp, _) = await Seed();
        Assert.Contains("entity type", (await ml.Post("runs/search", new { experiment_ids = new[] { exp }, filter = "foo.bar = 1" })).Error(400, "INVALID_PARAMETER_VALUE"));
        (await ml.Post("runs/search", new { experiment_ids = new[] { exp }, filter = "metrics.acc > 'high'" })).Error(400, "INVALID_PARAMETER_VALUE");
        (await ml.Post("runs/search", new { experiment_ids = new[] { exp }, filter = "attributes.status = 'DONE'" })).Error(400, "INVALID_PARAMETER_VALUE");
        (await ml.Post("runs/search", new { experiment_ids = new[] { exp }, max_results = 50001 })).Error(400, "INVALID_PARAMETER_VALUE");
        (await ml.Post("runs/search", new { experiment_ids = new[] { exp }, page_token = "%%%" })).Error(400, "INVALID_PARAMETER_VALUE");
    }

    [BackendFact]
    public async Task Paging_WholeListOnceInOrder_TokenBoundToItsQuery()
    {
        var (ml, exp, _) = await Seed();
        var all = await Names(ml, new { experiment_ids = new[] { exp }, order_by = new[] { "metrics.acc" } });
        Assert.Equal(["a", "d", "b", "c"], all);
        var paged = new List<string>();
        string? token = null;
        do
        {
            var page = (await ml.Post("runs/search", new { experiment_ids = new[] { exp }, order_by = new[] { "metrics.acc" }, max_results = 3, page_token = token })).Ok();
            paged.AddRange(page.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("info").GetProperty("run_name").GetString()!));
            token = page.TryGetProperty("next_page_token", out var t) ? t.GetString() : null;
            if (token is not null)
                (await ml.Post("runs/search", new { experiment_ids = new[] { exp }, max_results = 3, page_token = token })).Error(400, "INVALID_PARAMETER_VALUE");
        } while (token is not null);
        Assert.Equal(all, paged);
    }

    [BackendFact]
    public async Task Search_RunsLoggedNatively_FoundWithTheirMetrics()
    {
        var ml = await server.NewWorkspaceAsync();
        string id;
        using (var ws = ml.Open()) // the workspace's own API (over the server's native routes, or the embedded store)
        {
            id = ws.Runs.CreateRun(new Core.Runs.NewRun("native", "n1") { Status = Core.Runs.RunStatus.Running }).Id;
            ws.Runs.LogMetrics(id, [new Core.Runs.MetricPoint("loss", 0.25, 4, DateTimeOffset.UtcNow)]);
        }
        var exp = (await ml.Get("experiments/get-by-name?experiment_name=native")).Ok().GetProperty("experiment").GetProperty("experiment_id").GetString();
        var runs = (await ml.Post("runs/search", new { experiment_ids = new[] { exp }, filter = "metrics.loss < 0.5" })).Ok().GetProperty("runs");
        var run = Assert.Single(runs.EnumerateArray());
        Assert.Equal(id, run.GetProperty("info").GetProperty("run_id").GetString());
        Assert.Equal(4, run.GetProperty("data").GetProperty("metrics")[0].GetProperty("step").GetInt64());
        Assert.Single((await ml.Post("runs/search", new { })).Ok().GetProperty("runs").EnumerateArray()); // no ids: the whole workspace
        Assert.Empty((await ml.Post("runs/search", new { experiment_ids = new[] { exp }, run_view_type = "DELETED_ONLY" })).Ok().GetProperty("runs").EnumerateArray());
    }
}
