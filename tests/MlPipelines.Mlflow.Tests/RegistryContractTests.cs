using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace MlPipelines.Mlflow.Tests;

public sealed class RegistryContractSqliteTests(SqliteMlflowServer s) : RegistryContractTests(s), IClassFixture<SqliteMlflowServer>;
[OnPostgres] public sealed class RegistryContractPostgresTests(PostgresMlflowServer s) : RegistryContractTests(s), IClassFixture<PostgresMlflowServer>;

/// <summary>The model registry calls of model_registry.proto over the workspace's registry.</summary>
public abstract class RegistryContractTests(MlflowServer server)
{
    private async Task<Answer> Send(MlflowClient ml, string method, string path, object body, string? token = null)
    {
        using var http = await server.ServerClientAsync(token ?? ml.Token);
        using var request = new HttpRequestMessage(new HttpMethod(method), $"workspaces/{ml.Workspace}/api/2.0/mlflow/{path}")
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        using var response = await http.SendAsync(request);
        return await Answer.Read(response);
    }

    private static async Task<string> RunWithModelArtifacts(MlflowClient ml)
    {
        var runId = await ml.CreateRun(name: "train");
        using var native = await ml.Server.ServerClientAsync(ml.Token);
        foreach (var (path, content) in new[] { ("model/MLmodel", "flavors: {}"), ("model/model.pkl", "weights"), ("notes.txt", "n") })
        {
            var bytes = Encoding.UTF8.GetBytes(content);
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
            (await native.PutAsync($"api/v1/workspaces/{ml.Workspace}/blobs/{hash}", new ByteArrayContent(bytes))).EnsureSuccessStatusCode();
            (await native.PostAsJsonAsync($"api/v1/workspaces/{ml.Workspace}/runs/{runId}/outputs", new { path, hash, size = bytes.Length })).EnsureSuccessStatusCode();
        }
        return runId;
    }

    private static Dictionary<string, string?> Tags(JsonElement e) =>
        e.GetProperty("tags").EnumerateArray().ToDictionary(t => t.GetProperty("key").GetString()!, t => t.GetProperty("value").GetString());

    [BackendFact]
    public async Task CreateRegisteredModel_GetShowsIt_TakenNameAlreadyExists_UnknownDoesNotExist()
    {
        var ml = await server.NewWorkspaceAsync();
        var created = (await ml.Post("registered-models/create", new { name = "churn", description = "d", tags = new[] { new { key = "team", value = "risk" } } }))
            .Ok().GetProperty("registered_model");
        Assert.Equal(("churn", "d", "risk"), (created.GetProperty("name").GetString(), created.GetProperty("description").GetString(), Tags(created)["team"]));
        Assert.Empty(created.GetProperty("latest_versions").EnumerateArray());
        Assert.True(created.GetProperty("creation_timestamp").GetInt64() > 0);
        var got = (await ml.Get("registered-models/get?name=churn")).Ok().GetProperty("registered_model");
        Assert.Equal("churn", got.GetProperty("name").GetString());
        Assert.Contains("'churn' already exists", (await ml.Post("registered-models/create", new { name = "churn" })).Error(400, "RESOURCE_ALREADY_EXISTS"));
        Assert.Contains("'churn'", (await ml.Get("registered-models/get?name=chrun")).Error(404, "RESOURCE_DOES_NOT_EXIST"));
        (await ml.Post("registered-models/create", new { })).Error(400, "INVALID_PARAMETER_VALUE");
        (await ml.Post("registered-models/create", new { name = "has space" })).Error(400, "INVALID_PARAMETER_VALUE");
    }

    [BackendFact]
    public async Task CreateModelVersion_FromRunsUri_TakesTheRunsOutputs_ReadyStageNone()
    {
        var ml = await server.NewWorkspaceAsync();
        var runId = await RunWithModelArtifacts(ml);
        (await ml.Post("registered-models/create", new { name = "churn" })).Ok();
        var v = (await ml.Post("model-versions/create", new { name = "churn", source = $"runs:/{runId}/model", run_id = runId, description = "first",
            tags = new[] { new { key = "k", value = "v" } } })).Ok().GetProperty("model_version");
        Assert.Equal(("1", "READY", "None", runId, $"runs:/{runId}/model", "first", "v"), (v.GetProperty("version").GetString(), v.GetProperty("status").GetString(),
            v.GetProperty("current_stage").GetString(), v.GetProperty("run_id").GetString(), v.GetProperty("source").GetString(), v.GetProperty("description").GetString(), Tags(v)["k"]));

        using var native = await ml.Server.ServerClientAsync(ml.Token);
        var stored = JsonDocument.Parse(await native.GetStringAsync($"api/v1/workspaces/{ml.Workspace}/models/churn/versions/1")).RootElement;
        Assert.Equal(["MLmodel", "model.pkl"], stored.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()));
        var uri = (await ml.Get("model-versions/get-download-uri?name=churn&version=1")).Ok().GetProperty("artifact_uri").GetString();
        Assert.Equal($"mlflow-artifacts:/0/{runId}/artifacts/model", uri);

        var latest = (await ml.Get("registered-models/get?name=churn")).Ok().GetProperty("registered_model").GetProperty("latest_versions");
        Assert.Equal(["1"], latest.EnumerateArray().Select(x => x.GetProperty("version").GetString()));
        (await ml.Post("model-versions/create", new { name = "nope", source = "s3://b/m" })).Error(404, "RESOURCE_DOES_NOT_EXIST");
        (await ml.Post("model-versions/create", new { name = "churn" })).Error(400, "INVALID_PARAMETER_VALUE");
        (await ml.Post("model-versions/create", new { name = "churn", source = "runs:/run-ghost/model" })).Error(404, "RESOURCE_DOES_NOT_EXIST");
    }

    [BackendFact]
    public async Task CreateModelVersion_UnresolvableSource_NoFilesSourceKept_ArtifactsUriResolved()
    {
        var ml = await server.NewWorkspaceAsync();
        var runId = await RunWithModelArtifacts(ml);
        (await ml.Post("registered-models/create", new { name = "m" })).Ok();
        var v1 = (await ml.Post("model-versions/create", new { name = "m", source = "s3://bucket/model" })).Ok().GetProperty("model_version");
        Assert.Equal("s3://bucket/model", v1.GetProperty("source").GetString());
        using var native = await ml.Server.ServerClientAsync(ml.Token);
        var stored = JsonDocument.Parse(await native.GetStringAsync($"api/v1/workspaces/{ml.Workspace}/models/m/versions/1")).RootElement;
        Assert.Empty(stored.GetProperty("files").EnumerateArray());
        Assert.Equal("s3://bucket/model", (await ml.Get("model-versions/get-download-uri?name=m&version=1")).Ok().GetProperty("artifact_uri").GetString());

        (await ml.Post("model-versions/create", new { name = "m", source = $"mlflow-artifacts:/0/{runId}/artifacts/model" })).Ok();
        var files = JsonDocument.Parse(await native.GetStringAsync($"api/v1/workspaces/{ml.Workspace}/models/m/versions/2")).RootElement.GetProperty("files");
        Assert.Equal(2, files.GetArrayLength());
        (await ml.Post("model-versions/create", new { name = "m", source = $"runs:/{runId}/missing" })).Ok();
        Assert.Empty(JsonDocument.Parse(await native.GetStringAsync($"api/v1/workspaces/{ml.Workspace}/models/m/versions/3")).RootElement.GetProperty("files").EnumerateArray());
    }

    [BackendFact]
    public async Task ModelVersions_GetUpdateTagsDelete_ErrorsNameWhatExists()
    {
        var ml = await server.NewWorkspaceAsync();
        (await ml.Post("registered-models/create", new { name = "m" })).Ok();
        (await ml.Post("model-versions/create", new { name = "m", source = "/tmp/a" })).Ok();
        (await ml.Post("model-versions/create", new { name = "m", source = "/tmp/b" })).Ok();
        var updated = (await Send(ml, "PATCH", "model-versions/update", new { name = "m", version = "2", description = "better" })).Ok().GetProperty("model_version");
        Assert.Equal("better", updated.GetProperty("description").GetString());
        (await ml.Post("model-versions/set-tag", new { name = "m", version = "2", key = "stage", value = "qa" })).Ok();
        Assert.Equal("qa", Tags((await ml.Get("model-versions/get?name=m&version=2")).Ok().GetProperty("model_version"))["stage"]);
        (await Send(ml, "DELETE", "model-versions/delete-tag", new { name = "m", version = "2", key = "stage" })).Ok();
        Assert.Contains("Unknown tag 'stage' on 'm:2'; there are no tags yet", (await Send(ml, "DELETE", "model-versions/delete-tag", new { name = "m", version = "2", key = "stage" })).Error(404, "RESOURCE_DOES_NOT_EXIST"));
        Assert.Contains("'m:1', 'm:2'", (await ml.Get("model-versions/get?name=m&version=7")).Error(404, "RESOURCE_DOES_NOT_EXIST"));
        (await ml.Get("model-versions/get?name=m&version=one")).Error(400, "INVALID_PARAMETER_VALUE");
        (await Send(ml, "DELETE", "model-versions/delete", new { name = "m", version = "1" })).Ok();
        Assert.Equal(["2"], (await ml.Get("model-versions/search?filter=name%3D%27m%27")).Ok().GetProperty("model_versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()));
        Assert.Equal("/tmp/b", (await ml.Get("model-versions/get-download-uri?name=m&version=2")).Ok().GetProperty("artifact_uri").GetString());
    }

    [BackendFact]
    public async Task Aliases_SetByMlflow_AreTheWorkspacesWithHistory_AndViceVersa()
    {
        var ml = await server.NewWorkspaceAsync();
        (await ml.Post("registered-models/create", new { name = "m" })).Ok();
        (await ml.Post("model-versions/create", new { name = "m", source = "/a" })).Ok();
        (await ml.Post("model-versions/create", new { name = "m", source = "/b" })).Ok();
        (await ml.Post("registered-models/alias", new { name = "m", alias = "champion", version = "1" })).Ok();
        (await ml.Post("registered-models/alias", new { name = "m", alias = "champion", version = "2" })).Ok();
        using var native = await ml.Server.ServerClientAsync(ml.Token);
        var history = JsonDocument.Parse(await native.GetStringAsync($"api/v1/workspaces/{ml.Workspace}/models/m/history")).RootElement.EnumerateArray().ToList();
        Assert.Equal([(null, 1), (1, 2)], history.Select(h => (h.GetProperty("fromVersion").ValueKind == JsonValueKind.Null ? (int?)null : h.GetProperty("fromVersion").GetInt32(),
            h.GetProperty("toVersion").GetInt32())));
        Assert.Equal("admin", history[1].GetProperty("who").GetString());

        // Set natively (as `mlp model alias` does), read through MLflow.
        (await native.PutAsJsonAsync($"api/v1/workspaces/{ml.Workspace}/models/m/aliases/shadow", new { version = 1 })).EnsureSuccessStatusCode();
        var byAlias = (await ml.Get("registered-models/alias?name=m&alias=shadow")).Ok().GetProperty("model_version");
        Assert.Equal(("1", "shadow"), (byAlias.GetProperty("version").GetString(), byAlias.GetProperty("aliases")[0].GetString()));
        var aliases = (await ml.Get("registered-models/get?name=m")).Ok().GetProperty("registered_model").GetProperty("aliases").EnumerateArray()
            .Select(a => (a.GetProperty("alias").GetString(), a.GetProperty("version").GetString()));
        Assert.Equal([("champion", "2"), ("shadow", "1")], aliases);

        Assert.Contains("'champion'", (await Send(ml, "DELETE", "model-versions/delete", new { name = "m", version = "2" })).Error(409, "RESOURCE_CONFLICT"));
        (await Send(ml, "DELETE", "registered-models/alias", new { name = "m", alias = "champion" })).Ok();
        Assert.Contains("'m@shadow (v1)'", (await ml.Get("registered-models/alias?name=m&alias=champion")).Error(404, "RESOURCE_DOES_NOT_EXIST"));
        (await ml.Post("registered-models/alias", new { name = "m", alias = "latest", version = "1" })).Error(400, "INVALID_PARAMETER_VALUE");
        (await ml.Post("registered-models/alias", new { name = "m", alias = "v3", version = "1" })).Error(400, "INVALID_PARAMETER_VALUE");
        (await ml.Post("registered-models/alias", new { name = "m", alias = "gold", version = "9" })).Error(404, "RESOURCE_DOES_NOT_EXIST");
        var deleted = JsonDocument.Parse(await native.GetStringAsync($"api/v1/workspaces/{ml.Workspace}/models/m/history")).RootElement.EnumerateArray().Last();
        Assert.Equal(("champion", JsonValueKind.Null), (deleted.GetProperty("alias").GetString(), deleted.GetProperty("toVersion").ValueKind));
    }

    [BackendFact]
    public async Task SearchRegisteredModels_FilterOrderPaging_AndLatestVersionsByStage()
    {
        var ml = await server.NewWorkspaceAsync();
        foreach (var name in new[] { "alpha", "beta", "Gamma", "alpine" }) (await ml.Post("registered-models/create", new { name })).Ok();
        (await ml.Post("registered-models/set-tag", new { name = "beta", key = "team", value = "risk" })).Ok();
        (await ml.Post("model-versions/create", new { name = "beta", source = "/x" })).Ok();
        (await ml.Post("model-versions/create", new { name = "beta", source = "/y" })).Ok();
        static List<string> Names(JsonElement e) => e.GetProperty("registered_models").EnumerateArray().Select(m => m.GetProperty("name").GetString()!).ToList();
        Assert.Equal(["Gamma", "alpha", "alpine", "beta"], Names((await ml.Get("registered-models/search")).Ok()));
        Assert.Equal(["alpha", "alpine"], Names((await ml.Get("registered-models/search?filter=" + Uri.EscapeDataString("name LIKE 'alp%'"))).Ok()));
        Assert.Equal(["Gamma"], Names((await ml.Get("registered-models/search?filter=" + Uri.EscapeDataString("name ILIKE 'gam%'"))).Ok()));
        Assert.Equal(["beta"], Names((await ml.Get("registered-models/search?filter=" + Uri.EscapeDataString("name = 'beta' AND tags.team = 'risk'"))).Ok()));
        Assert.Equal(["beta", "alpine", "alpha", "Gamma"], Names((await ml.Get("registered-models/search?order_by=name+DESC")).Ok()));
        Assert.Equal("beta", Names((await ml.Get("registered-models/search?order_by=last_updated_timestamp+DESC")).Ok())[0]);
        var first = (await ml.Get("registered-models/search?max_results=3")).Ok();
        Assert.Equal(3, Names(first).Count);
        var second = (await ml.Get("registered-models/search?max_results=3&page_token=" + first.GetProperty("next_page_token").GetString())).Ok();
        Assert.Equal(["beta"], Names(second));
        Assert.False(second.TryGetProperty("next_page_token", out _));
        (await ml.Get("registered-models/search?max_results=1001")).Error(400, "INVALID_PARAMETER_VALUE");
        (await ml.Get("registered-models/search?filter=" + Uri.EscapeDataString("version > 1"))).Error(400, "INVALID_PARAMETER_VALUE");
        (await ml.Get("registered-models/search?order_by=size")).Error(400, "INVALID_PARAMETER_VALUE");
        (await ml.Get("registered-models/search?page_token=garbage")).Error(400, "INVALID_PARAMETER_VALUE");

        static List<string?> Versions(JsonElement e) => e.GetProperty("model_versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()).ToList();
        Assert.Equal(["2"], Versions((await ml.Post("registered-models/get-latest-versions", new { name = "beta" })).Ok()));
        Assert.Equal(["2"], Versions((await ml.Get("registered-models/get-latest-versions?name=beta&stages=None")).Ok()));
        Assert.Empty(Versions((await ml.Post("registered-models/get-latest-versions", new { name = "beta", stages = new[] { "Production" } })).Ok()));
        Assert.Empty(Versions((await ml.Post("registered-models/get-latest-versions", new { name = "alpha" })).Ok()));
        (await ml.Post("registered-models/get-latest-versions", new { name = "beta", stages = new[] { "Prod" } })).Error(400, "INVALID_PARAMETER_VALUE");
    }

    [BackendFact]
    public async Task SearchModelVersions_ByNameRunIdTagsAndVersion()
    {
        var ml = await server.NewWorkspaceAsync();
        var runId = await RunWithModelArtifacts(ml);
        foreach (var name in new[] { "a", "b" }) (await ml.Post("registered-models/create", new { name })).Ok();
        (await ml.Post("model-versions/create", new { name = "a", source = $"runs:/{runId}/model", run_id = runId })).Ok();
        (await ml.Post("model-versions/create", new { name = "a", source = "/x", tags = new[] { new { key = "t", value = "1" } } })).Ok();
        (await ml.Post("model-versions/create", new { name = "b", source = "/y" })).Ok();
        async Task<List<string>> Search(string filter) => (await ml.Get("model-versions/search?filter=" + Uri.EscapeDataString(filter))).Ok()
            .GetProperty("model_versions").EnumerateArray().Select(v => v.GetProperty("name").GetString() + ":" + v.GetProperty("version").GetString()).ToList();
        Assert.Equal(["a:2", "a:1"], await Search("name = 'a'"));
        Assert.Equal(["a:1"], await Search($"run_id = '{runId}'"));
        Assert.Equal(["a:1"], await Search($"run_id IN ('{runId}', 'other')"));
        Assert.Equal(["a:2"], await Search("tags.t = '1'"));
        Assert.Equal(["a:2", "b:1"], await Search("source_path LIKE '/%'"));
        Assert.Equal(["a:2"], await Search("name = 'a' AND version_number > 1"));
        (await ml.Get("model-versions/search?filter=" + Uri.EscapeDataString("name = 'a' OR name = 'b'"))).Error(400, "INVALID_PARAMETER_VALUE");
        var paged = (await ml.Get("model-versions/search?max_results=2")).Ok();
        Assert.Equal(2, paged.GetProperty("model_versions").GetArrayLength());
        Assert.True(paged.TryGetProperty("next_page_token", out _));
    }

    [BackendFact]
    public async Task UpdateRenameDeleteRegisteredModel_AndTags()
    {
        var ml = await server.NewWorkspaceAsync();
        (await ml.Post("registered-models/create", new { name = "old" })).Ok();
        (await ml.Post("model-versions/create", new { name = "old", source = "/x" })).Ok();
        (await ml.Post("registered-models/alias", new { name = "old", alias = "prod", version = "1" })).Ok();
        var updated = (await Send(ml, "PATCH", "registered-models/update", new { name = "old", description = "now described" })).Ok().GetProperty("registered_model");
        Assert.Equal("now described", updated.GetProperty("description").GetString());
        (await ml.Post("registered-models/set-tag", new { name = "old", key = "k", value = "v" })).Ok();
        (await Send(ml, "DELETE", "registered-models/delete-tag", new { name = "old", key = "k" })).Ok();
        Assert.Contains("Unknown tag 'k' on 'old'", (await Send(ml, "DELETE", "registered-models/delete-tag", new { name = "old", key = "k" })).Error(404, "RESOURCE_DOES_NOT_EXIST"));

        (await ml.Post("registered-models/create", new { name = "taken" })).Ok();
        (await ml.Post("registered-models/rename", new { name = "old", new_name = "taken" })).Error(400, "RESOURCE_ALREADY_EXISTS");
        var renamed = (await ml.Post("registered-models/rename", new { name = "old", new_name = "new" })).Ok().GetProperty("registered_model");
        Assert.Equal(("new", "prod", "1"), (renamed.GetProperty("name").GetString(), renamed.GetProperty("aliases")[0].GetProperty("alias").GetString(),
            renamed.GetProperty("latest_versions")[0].GetProperty("version").GetString()));
        (await ml.Get("registered-models/get?name=old")).Error(404, "RESOURCE_DOES_NOT_EXIST");
        Assert.Equal("1", (await ml.Get("registered-models/alias?name=new&alias=prod")).Ok().GetProperty("model_version").GetProperty("version").GetString());

        Assert.Contains("'prod (v1)'", (await Send(ml, "DELETE", "registered-models/delete", new { name = "new" })).Error(409, "RESOURCE_CONFLICT"));
        (await Send(ml, "DELETE", "registered-models/alias", new { name = "new", alias = "prod" })).Ok();
        (await Send(ml, "DELETE", "registered-models/delete", new { name = "new" })).Ok();
        (await ml.Get("registered-models/get?name=new")).Error(404, "RESOURCE_DOES_NOT_EXIST");
        (await Send(ml, "DELETE", "registered-models/delete", new { name = "new" })).Error(404, "RESOURCE_DOES_NOT_EXIST");
    }

    [BackendFact]
    public async Task Reader_GetsAndSearches_ButIsDeniedCreate_ModelsWriterCannotDelete()
    {
        var ml = await server.NewWorkspaceAsync();
        (await ml.Post("registered-models/create", new { name = "m" })).Ok();
        var reader = await server.TokenWithRoleAsync(ml.Workspace, "Reader");
        (await ml.Get("registered-models/get?name=m", reader)).Ok();
        (await ml.Get("registered-models/search", reader)).Ok();
        (await ml.Get("model-versions/search", reader)).Ok();
        Denied(await ml.Post("registered-models/create", new { name = "x" }, reader), "workspaces/models/versions/write");
        Denied(await ml.Post("model-versions/create", new { name = "m", source = "/x" }, reader), "workspaces/models/versions/write");
        Denied(await Send(ml, "DELETE", "registered-models/delete", new { name = "m" }, reader), "workspaces/models/versions/delete");
    }

    // The host refuses before the call runs: 403 naming the action the role lacks.
    private static void Denied(Answer answer, string action)
    {
        Assert.True(answer.Status == 403, $"expected 403, got {answer.Status}: {answer.Text}");
        Assert.Contains($"needs action '{action}'", answer.Text);
    }

    [BackendFact]
    public async Task DeleteWithQueryParameters_AndAjaxPrefix_Served()
    {
        var ml = await server.NewWorkspaceAsync();
        (await ml.Post("registered-models/create", new { name = "q" }, prefix: "ajax-api")).Ok();
        using var http = await server.ServerClientAsync(ml.Token);
        using var response = await http.DeleteAsync($"workspaces/{ml.Workspace}/api/2.0/mlflow/registered-models/delete?name=q");
        (await Answer.Read(response)).Ok();
        (await ml.Get("registered-models/get?name=q")).Error(404, "RESOURCE_DOES_NOT_EXIST");
    }
}
