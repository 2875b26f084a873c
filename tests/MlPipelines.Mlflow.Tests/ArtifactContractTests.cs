using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MlPipelines.Mlflow.Tests;

[Collection(ArtifactContractTests.Alone)] public sealed class ArtifactContractSqliteTests(SqliteMlflowServer s) : ArtifactContractTests(s), IClassFixture<SqliteMlflowServer>;
[Collection(ArtifactContractTests.Alone), OnPostgres] public sealed class ArtifactContractPostgresTests(PostgresMlflowServer s) : ArtifactContractTests(s), IClassFixture<PostgresMlflowServer>;

/// <summary>Runs the artifact tests alone (no other test class in parallel), so the process-wide allocation count of the large upload is its own.</summary>
[CollectionDefinition(ArtifactContractTests.Alone, DisableParallelization = true)]
public sealed class ArtifactTestsAlone;

/// <summary>
/// The <c>mlflow-artifacts</c> proxy (mlflow_artifacts.proto) and the tracking API's <c>artifacts/list</c>, written from
/// MLflow's protos and handlers: a proxy path <c>EXP/RUN/artifacts/PATH</c> is run RUN's output PATH, stored content-addressed.
/// </summary>
public abstract class ArtifactContractTests(MlflowServer server)
{
    /// <summary>The collection that runs without other tests in parallel.</summary>
    public const string Alone = "artifacts, run alone";

    [BackendFact]
    public async Task UploadDownload_RoundTrip_BytesIdenticalAndStoredAsOutputWithTheContentHash()
    {
        var ml = await server.NewWorkspaceAsync();
        var (exp, run) = await NewRun(ml);
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        using var http = await server.ServerClientAsync(ml.Token);
        var put = await http.PutAsync(Proxy(ml, $"{exp}/{run}/artifacts/model/weights.bin"), new ByteArrayContent(bytes));
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        Assert.Equal("{}", await put.Content.ReadAsStringAsync());

        using var get = await http.GetAsync(Proxy(ml, $"{exp}/{run}/artifacts/model/weights.bin"));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", get.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("weights.bin", get.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.Equal($"\"{hash}\"", get.Headers.ETag?.Tag);

        // The native API (what `mlp run show` reads) lists it as the run's output, content-addressed.
        var outputs = JsonDocument.Parse(await http.GetStringAsync($"api/v1/workspaces/{ml.Workspace}/runs/{run}/outputs")).RootElement;
        var output = Assert.Single(outputs.EnumerateArray());
        Assert.Equal(("model/weights.bin", hash, bytes.Length), (output.GetProperty("path").GetString(), output.GetProperty("hash").GetString(), output.GetProperty("size").GetInt32()));
        using var blob = await http.GetAsync($"api/v1/workspaces/{ml.Workspace}/blobs/{hash}");
        Assert.Equal(bytes, await blob.Content.ReadAsByteArrayAsync());

        // A range of it, and an overwrite keeps one output with the new content.
        using var range = new HttpRequestMessage(HttpMethod.Get, Proxy(ml, $"{exp}/{run}/artifacts/model/weights.bin"));
        range.Headers.Range = new RangeHeaderValue(10, 19);
        using var partial = await http.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(bytes[10..20], await partial.Content.ReadAsByteArrayAsync());
        (await http.PutAsync(Proxy(ml, $"{exp}/{run}/artifacts/model/weights.bin"), new StringContent("v2"))).EnsureSuccessStatusCode();
        Assert.Equal("v2", await http.GetStringAsync(Proxy(ml, $"{exp}/{run}/artifacts/model/weights.bin")));
    }

    [BackendFact]
    public async Task Upload_200MB_StreamedWithManagedAllocationsFarBelowTheFileSize()
    {
        const long size = 200L << 20;
        var ml = await server.NewWorkspaceAsync();
        var (exp, run) = await NewRun(ml);
        var file = Path.Combine(Path.GetTempPath(), $"mlp-big-{Guid.NewGuid():N}.bin");
        try
        {
            string hash;
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            await using (var fs = File.Create(file))
            {
                var chunk = new byte[1 << 20];
                for (var i = 0; i < size / chunk.Length; i++)
                {
                    RandomNumberGenerator.Fill(chunk);
                    sha.AppendData(chunk);
                    fs.Write(chunk);
                }
                hash = Convert.ToHexStringLower(sha.GetHashAndReset());
            }
            using var http = await server.ServerClientAsync(ml.Token);
            http.Timeout = TimeSpan.FromMinutes(5);
            // A small upload first, so what is measured is the streaming and not first-call costs (JIT, connections).
            (await http.PutAsync(Proxy(ml, $"{exp}/{run}/artifacts/warm-up.bin"), new ByteArrayContent(new byte[1000]))).EnsureSuccessStatusCode();
            // Server and client share this process: every managed byte either allocates while the file goes up counts here.
            var before = GC.GetTotalAllocatedBytes(precise: true);
            await using (var body = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
            {
                using var put = await http.PutAsync(Proxy(ml, $"{exp}/{run}/artifacts/big.bin"), new StreamContent(body, 1 << 16));
                Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
            }
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            Assert.True(allocated < size / 8, $"uploading {size} bytes allocated {allocated} managed bytes; the body must be streamed, not buffered");

            using var get = await http.GetAsync(Proxy(ml, $"{exp}/{run}/artifacts/big.bin"), HttpCompletionOption.ResponseHeadersRead);
            await using var download = await get.Content.ReadAsStreamAsync();
            Assert.Equal(hash, Convert.ToHexStringLower(await SHA256.HashDataAsync(download)));
            var output = JsonDocument.Parse(await http.GetStringAsync($"api/v1/workspaces/{ml.Workspace}/runs/{run}/outputs")).RootElement
                .EnumerateArray().Single(o => o.GetProperty("path").GetString() == "big.bin");
            Assert.Equal((hash, size), (output.GetProperty("hash").GetString(), output.GetProperty("size").GetInt64()));
        }
        finally { File.Delete(file); }
    }

    [BackendFact]
    public async Task List_NestedFolders_ProxyGivesNamesTrackingGivesRunRelativePaths()
    {
        var ml = await server.NewWorkspaceAsync();
        var (exp, run) = await NewRun(ml);
        using var http = await server.ServerClientAsync(ml.Token);
        foreach (var (path, text) in new[] { ("model/MLmodel", "m"), ("model/data/weights.bin", "wwww"), ("notes.txt", "hello") })
            (await http.PutAsync(Proxy(ml, $"{exp}/{run}/artifacts/{path}"), new StringContent(text))).EnsureSuccessStatusCode();

        var root = await ProxyList(http, ml, $"{exp}/{run}/artifacts");
        Assert.Equal(["model dir", "notes.txt 5"], Entries(root));
        Assert.False(root.GetProperty("files")[0].TryGetProperty("file_size", out _)); // unset for folders
        Assert.Equal(["MLmodel 1", "data dir"], Entries(await ProxyList(http, ml, $"{exp}/{run}/artifacts/model")));
        Assert.Equal(["weights.bin 4"], Entries(await ProxyList(http, ml, $"{exp}/{run}/artifacts/model/data")));
        Assert.False((await ProxyList(http, ml, $"{exp}/{run}/artifacts/nothing-here")).TryGetProperty("files", out _)); // MLflow writes no empty list

        var tracking = (await ml.Get($"artifacts/list?run_id={run}&path=model")).Ok();
        Assert.Equal($"mlflow-artifacts:/{exp}/{run}/artifacts", tracking.GetProperty("root_uri").GetString());
        Assert.Equal(["model/MLmodel 1", "model/data dir"], Entries(tracking));
        Assert.Equal(["model dir", "notes.txt 5"], Entries((await ml.Get($"artifacts/list?run_uuid={run}")).Ok()));
        // The run's artifact_uri is the root that lists them.
        var info = (await ml.Get($"runs/get?run_id={run}")).Ok().GetProperty("run").GetProperty("info");
        Assert.Equal($"mlflow-artifacts:/{exp}/{run}/artifacts", info.GetProperty("artifact_uri").GetString());
        (await ml.Get("artifacts/list?run_id=run-nope")).Error(404, "RESOURCE_DOES_NOT_EXIST");
        Assert.Contains("'..'", (await ml.Get($"artifacts/list?run_id={run}&path=../x")).Error(400, "INVALID_PARAMETER_VALUE"));
    }

    [BackendFact]
    public async Task Delete_FileThenFolder_GoneFromListAndOutputs_DownloadThen404()
    {
        var ml = await server.NewWorkspaceAsync();
        var (exp, run) = await NewRun(ml);
        using var http = await server.ServerClientAsync(ml.Token);
        foreach (var path in new[] { "a.txt", "dir/b.txt", "dir/sub/c.txt" })
            (await http.PutAsync(Proxy(ml, $"{exp}/{run}/artifacts/{path}"), new StringContent(path))).EnsureSuccessStatusCode();

        Assert.Equal("{}", await (await http.DeleteAsync(Proxy(ml, $"{exp}/{run}/artifacts/a.txt"))).Content.ReadAsStringAsync());
        var missing = await Answer.Read(await http.GetAsync(Proxy(ml, $"{exp}/{run}/artifacts/a.txt")));
        Assert.Contains("'dir/b.txt'", missing.Error(404, "RESOURCE_DOES_NOT_EXIST"));
        (await http.DeleteAsync(Proxy(ml, $"{exp}/{run}/artifacts/dir"))).EnsureSuccessStatusCode();
        Assert.Equal("[]", await http.GetStringAsync($"api/v1/workspaces/{ml.Workspace}/runs/{run}/outputs"));
        // Deleting what is not there is fine, as in MLflow's stores; an unknown run is not.
        Assert.Equal(200, (await Answer.Read(await http.DeleteAsync(Proxy(ml, $"{exp}/{run}/artifacts/dir")))).Status);
        (await Answer.Read(await http.DeleteAsync(Proxy(ml, $"{exp}/run-nope/artifacts/x")))).Error(404, "RESOURCE_DOES_NOT_EXIST");
    }

    [BackendFact]
    public async Task Paths_DotDotAbsoluteEmptySegmentsOutsideRunOrWrongExperiment_Refused()
    {
        var ml = await server.NewWorkspaceAsync();
        var (exp, run) = await NewRun(ml);
        using var http = await server.ServerClientAsync(ml.Token);
        async Task<Answer> Put(string path) => await Answer.Read(await http.PutAsync(Proxy(ml, path), new StringContent("x")));

        // Kestrel resolves dot segments (also %2E%2E) before routing, so this arrives as '{exp}/{run}/escape': outside the artifacts.
        Assert.Contains("outside a run's artifacts", (await Put($"{exp}/{run}/artifacts/%2E%2E/%2E%2E/{run}/escape")).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Contains("empty segments", (await Put($"{exp}/{run}/artifacts/a//b")).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Contains("EXPERIMENT_ID/RUN_ID/artifacts/PATH", (await Put($"{exp}/{run}/outputs/x")).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Contains("EXPERIMENT_ID/RUN_ID/artifacts/PATH", (await Put("x")).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Contains("Run with id=run-nope", (await Put($"{exp}/run-nope/artifacts/x")).Error(404, "RESOURCE_DOES_NOT_EXIST"));
        Assert.Contains($"mlflow-artifacts:/{exp}/{run}/artifacts", (await Put($"999/{run}/artifacts/x")).Error(404, "RESOURCE_DOES_NOT_EXIST"));
        Assert.Contains("'..'", (await ProxyListAnswer(http, ml, $"{exp}/{run}/artifacts/../../x")).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Contains("must be relative", (await ProxyListAnswer(http, ml, $"/{exp}/{run}/artifacts")).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Equal("[]", await http.GetStringAsync($"api/v1/workspaces/{ml.Workspace}/runs/{run}/outputs"));
        Assert.Contains("not implemented", (await Answer.Read(await http.PostAsync($"workspaces/{ml.Workspace}/api/2.0/mlflow-artifacts/foo", null))).Error(404, "ENDPOINT_NOT_FOUND"));
    }

    [BackendFact]
    public async Task Roles_ReaderDownloadsButCannotUpload_MetricsWriterCannotRead_RunTokenOnlyItsRun()
    {
        var ml = await server.NewWorkspaceAsync();
        var (exp, run) = await NewRun(ml);
        var (_, other) = await NewRun(ml);
        using var admin = await server.ServerClientAsync(ml.Token);
        (await admin.PutAsync(Proxy(ml, $"{exp}/{run}/artifacts/m.txt"), new StringContent("model"))).EnsureSuccessStatusCode();

        using var reader = await server.ServerClientAsync(await server.TokenWithRoleAsync(ml.Workspace, "Reader"));
        Assert.Equal("model", await reader.GetStringAsync(Proxy(ml, $"{exp}/{run}/artifacts/m.txt")));
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"workspaces/{ml.Workspace}/api/2.0/mlflow-artifacts/artifacts?path={exp}/{run}/artifacts")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PutAsync(Proxy(ml, $"{exp}/{run}/artifacts/x.txt"), new StringContent("x"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.DeleteAsync(Proxy(ml, $"{exp}/{run}/artifacts/m.txt"))).StatusCode);
        using var metrics = await server.ServerClientAsync(await server.TokenWithRoleAsync(ml.Workspace, "AzureML Metrics Writer"));
        Assert.Equal(HttpStatusCode.Forbidden, (await metrics.GetAsync(Proxy(ml, $"{exp}/{run}/artifacts/m.txt"))).StatusCode);

        var token = await admin.PostAsJsonAsync($"api/v1/workspaces/{ml.Workspace}/runs/{run}/token", new { });
        token.EnsureSuccessStatusCode();
        using var scoped = await server.ServerClientAsync(JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement.GetProperty("secret").GetString());
        (await scoped.PutAsync(Proxy(ml, $"{exp}/{run}/artifacts/own.txt"), new StringContent("own"))).EnsureSuccessStatusCode();
        var refused = await Answer.Read(await scoped.PutAsync(Proxy(ml, $"{exp}/{other}/artifacts/x.txt"), new StringContent("x")));
        Assert.Contains($"scoped to run '{run}'", refused.Error(403, "PERMISSION_DENIED"));
        (await Answer.Read(await scoped.DeleteAsync(Proxy(ml, $"{exp}/{other}/artifacts/x.txt")))).Error(403, "PERMISSION_DENIED");
        Assert.Equal("[]", await admin.GetStringAsync($"api/v1/workspaces/{ml.Workspace}/runs/{other}/outputs"));
    }

    [BackendFact]
    public async Task NativeOutputs_LikeThoseOfMlpLines_ListedAndDownloadedThroughMlflow()
    {
        var ml = await server.NewWorkspaceAsync();
        var (exp, run) = await NewRun(ml);
        using var http = await server.ServerClientAsync(ml.Token);
        // What the remote workspace does for a step's `##mlp output` line: store the blob, then record the output.
        var bytes = Encoding.UTF8.GetBytes("{\"accuracy\": 0.97}");
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        (await http.PutAsync($"api/v1/workspaces/{ml.Workspace}/blobs/{hash}", new ByteArrayContent(bytes))).EnsureSuccessStatusCode();
        (await http.PostAsJsonAsync($"api/v1/workspaces/{ml.Workspace}/runs/{run}/outputs", new { path = "eval/metrics.json", hash, size = bytes.Length })).EnsureSuccessStatusCode();

        Assert.Equal(["eval dir"], Entries((await ml.Get($"artifacts/list?run_id={run}")).Ok()));
        Assert.Equal([$"metrics.json {bytes.Length}"], Entries(await ProxyList(http, ml, $"{exp}/{run}/artifacts/eval")));
        using var get = await http.GetAsync(Proxy(ml, $"{exp}/{run}/artifacts/eval/metrics.json"));
        Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/json", get.Content.Headers.ContentType?.MediaType);
    }

    private static string Proxy(MlflowClient ml, string path) => $"workspaces/{ml.Workspace}/api/2.0/mlflow-artifacts/artifacts/{path}";

    private static async Task<(string Experiment, string Run)> NewRun(MlflowClient ml)
    {
        var run = (await ml.Post("runs/create", new { experiment_id = "0", start_time = 1 })).Ok().GetProperty("run").GetProperty("info");
        return (run.GetProperty("experiment_id").GetString()!, run.GetProperty("run_id").GetString()!);
    }

    private static async Task<Answer> ProxyListAnswer(HttpClient http, MlflowClient ml, string path) =>
        await Answer.Read(await http.GetAsync($"workspaces/{ml.Workspace}/api/2.0/mlflow-artifacts/artifacts?path={Uri.EscapeDataString(path)}"));

    private static async Task<JsonElement> ProxyList(HttpClient http, MlflowClient ml, string path) => (await ProxyListAnswer(http, ml, path)).Ok();

    private static IEnumerable<string> Entries(JsonElement listing) => listing.TryGetProperty("files", out var files)
        ? files.EnumerateArray().Select(f => f.GetProperty("path").GetString() + " " + (f.GetProperty("is_dir").GetBoolean() ? "dir" : f.GetProperty("file_size").GetInt64().ToString()))
        : [];
}
