using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using MlPipelines.Workspace;

namespace MlPipelines.Mlflow.Tests;

public sealed class MultipartContractEmbeddedTests(EmbeddedMlflowServer s) : MultipartContractTests(s), IClassFixture<EmbeddedMlflowServer>;
public sealed class MultipartContractSqliteTests(SqliteMlflowServer s) : MultipartContractTests(s), IClassFixture<SqliteMlflowServer>;
[OnPostgres] public sealed class MultipartContractPostgresTests(PostgresMlflowServer s) : MultipartContractTests(s), IClassFixture<PostgresMlflowServer>;

/// <summary>
/// Multipart upload through the <c>mlflow-artifacts</c> proxy (mlflow_artifacts.proto: mpu/create, the part URLs,
/// mpu/complete, mpu/abort), driven as MLflow's HTTP artifact client drives it: parts are PUT to the credentials' URLs
/// without the bearer token.
/// </summary>
public abstract class MultipartContractTests(MlflowServer server)
{
    [BackendFact]
    public async Task CreatePutPartsComplete_GetReturnsTheBytes_StoredContentAddressed()
    {
        var ml = await server.NewWorkspaceAsync();
        var (exp, run) = await NewRun(ml);
        var bytes = RandomNumberGenerator.GetBytes(250_000);
        var chunks = new[] { bytes[..100_000], bytes[100_000..200_000], bytes[200_000..] };
        using var http = ml.Http(ml.Token);
        var created = (await Post(http, $"mpu/create/{exp}/{run}/artifacts/model", new { path = "/home/ana/out/weights.bin", num_parts = 3 })).Ok();
        var uploadId = created.GetProperty("upload_id").GetString()!;
        var credentials = created.GetProperty("credentials").EnumerateArray().ToList();
        Assert.Equal([1L, 2L, 3L], credentials.Select(c => c.GetProperty("part_number").GetInt64()));
        Assert.All(credentials, c => Assert.StartsWith(ml.TrackingUri + "/api/2.0/mlflow-artifacts/mpu/part/" + uploadId + "/", c.GetProperty("url").GetString()));

        // Parts in any order, without the bearer token (as MLflow's client PUTs to presigned URLs); each answers its ETag.
        using var anonymous = ml.Http(null);
        var etags = new string[3];
        foreach (var i in new[] { 2, 0, 1 })
        {
            using var put = await anonymous.PutAsync(credentials[i].GetProperty("url").GetString(), new ByteArrayContent(chunks[i]));
            Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
            etags[i] = put.Headers.ETag!.Tag;
            Assert.Equal($"\"{Convert.ToHexStringLower(SHA256.HashData(chunks[i]))}\"", etags[i]);
        }
        Assert.Equal("Run '" + run + "' has no artifact 'model/weights.bin'; it has none.",
            (await Answer.Read(await http.GetAsync($"api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/model/weights.bin"))).Error(404, "RESOURCE_DOES_NOT_EXIST"));

        var parts = etags.Select((e, i) => new { part_number = i + 1, etag = e, url = credentials[i].GetProperty("url").GetString() }).ToArray();
        (await Post(http, $"mpu/complete/{exp}/{run}/artifacts/model", new { path = "/home/ana/out/weights.bin", upload_id = uploadId, parts })).Ok();

        using var get = await http.GetAsync($"api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/model/weights.bin");
        Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal($"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))}\"", get.Headers.ETag?.Tag);
        var listed = (await ml.Get($"artifacts/list?run_id={run}&path=model")).Ok().GetProperty("files")[0];
        Assert.Equal(("model/weights.bin", 250_000L), (listed.GetProperty("path").GetString(), listed.GetProperty("file_size").GetInt64()));
        // Completed, the upload is closed: its URLs and a second complete find nothing.
        (await Answer.Read(await anonymous.PutAsync(credentials[0].GetProperty("url").GetString(), new ByteArrayContent(chunks[0])))).Error(404, "RESOURCE_DOES_NOT_EXIST");
        (await Post(http, $"mpu/complete/{exp}/{run}/artifacts/model", new { path = "weights.bin", upload_id = uploadId, parts })).Error(404, "RESOURCE_DOES_NOT_EXIST");
    }

    [BackendFact]
    public async Task Abort_RemovesTheParts_WrongUploadIdIs404()
    {
        var ml = await server.NewWorkspaceAsync();
        var (exp, run) = await NewRun(ml);
        using var http = ml.Http(ml.Token);
        using var anonymous = ml.Http(null);
        var created = (await Post(http, $"mpu/create/{exp}/{run}/artifacts", new { path = "big.bin", num_parts = 2 })).Ok();
        var uploadId = created.GetProperty("upload_id").GetString()!;
        var url = created.GetProperty("credentials")[0].GetProperty("url").GetString();
        (await anonymous.PutAsync(url, new ByteArrayContent([1, 2, 3]))).EnsureSuccessStatusCode();
        var parts = PartFolder(ml, uploadId);
        if (parts is not null) Assert.True(Directory.Exists(parts), parts); // an embedded workspace's scratch folder is on this machine

        (await Post(http, $"mpu/abort/{exp}/{run}/artifacts", new { path = "big.bin", upload_id = uploadId })).Ok();
        if (parts is not null) Assert.False(Directory.Exists(parts), parts);
        Assert.Contains($"'{uploadId}'", (await Post(http, $"mpu/abort/{exp}/{run}/artifacts", new { path = "big.bin", upload_id = uploadId })).Error(404, "RESOURCE_DOES_NOT_EXIST"));
        (await Post(http, $"mpu/complete/{exp}/{run}/artifacts", new { path = "big.bin", upload_id = uploadId, parts = new[] { new { part_number = 1 } } })).Error(404, "RESOURCE_DOES_NOT_EXIST");
        (await Answer.Read(await anonymous.PutAsync(url, new ByteArrayContent([1])))).Error(404, "RESOURCE_DOES_NOT_EXIST");
        Assert.False((await ml.Get($"artifacts/list?run_id={run}")).Ok().TryGetProperty("files", out _)); // nothing was recorded

        foreach (var wrong in new[] { "0123456789abcdef0123456789abcdef", "../../etc", "nope" })
            (await Post(http, $"mpu/complete/{exp}/{run}/artifacts", new { path = "big.bin", upload_id = wrong, parts = new[] { new { part_number = 1 } } })).Error(404, "RESOURCE_DOES_NOT_EXIST");
        (await Post(http, $"mpu/abort/{exp}/{run}/artifacts", new { path = "big.bin" })).Error(400, "INVALID_PARAMETER_VALUE");
        (await Post(http, $"mpu/create/{exp}/run-nope/artifacts", new { path = "big.bin", num_parts = 1 })).Error(404, "RESOURCE_DOES_NOT_EXIST");
    }

    [BackendFact]
    public async Task PartUrls_EachAuthorisesItsOwnPartOnly_CompleteChecksPartsAndPath()
    {
        var ml = await server.NewWorkspaceAsync();
        var (exp, run) = await NewRun(ml);
        using var http = ml.Http(ml.Token);
        using var anonymous = ml.Http(null);
        var created = (await Post(http, $"mpu/create/{exp}/{run}/artifacts", new { path = "data.csv", num_parts = 2 })).Ok();
        var uploadId = created.GetProperty("upload_id").GetString()!;
        var urls = created.GetProperty("credentials").EnumerateArray().Select(c => c.GetProperty("url").GetString()!).ToList();
        var token1 = urls[0][(urls[0].IndexOf("token=", StringComparison.Ordinal) + 6)..];
        foreach (var forged in new[] { urls[1].Split('?')[0] + "?token=" + token1, urls[0].Split('?')[0], urls[0][..^2] + "xx", urls[0].Replace("/part/" + uploadId + "/1", "/part/" + uploadId + "/3") })
            (await Answer.Read(await anonymous.PutAsync(forged, new ByteArrayContent([9])))).Error(403, "PERMISSION_DENIED");
        // The bearer token does not stand in for the URL's token.
        (await Answer.Read(await http.PutAsync(urls[0].Split('?')[0], new ByteArrayContent([9])))).Error(403, "PERMISSION_DENIED");

        (await anonymous.PutAsync(urls[0], new StringContent("a,b\n"))).EnsureSuccessStatusCode();
        Assert.Contains("Part 2", (await Complete(http, exp, run, "data.csv", uploadId, new { part_number = 1 }, new { part_number = 2 })).Error(400, "INVALID_PARAMETER_VALUE"));
        (await anonymous.PutAsync(urls[1], new StringContent("1,2\n"))).EnsureSuccessStatusCode();
        Assert.Contains("ascending", (await Complete(http, exp, run, "data.csv", uploadId, new { part_number = 2 }, new { part_number = 1 })).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Contains("etag", (await Complete(http, exp, run, "data.csv", uploadId, new { part_number = 1, etag = "\"beef\"" })).Error(400, "INVALID_PARAMETER_VALUE"));
        Assert.Contains("'data.csv'", (await Complete(http, exp, run, "other.csv", uploadId, new { part_number = 1 })).Error(400, "INVALID_PARAMETER_VALUE"));
        (await Post(http, $"mpu/create/{exp}/{run}/artifacts", new { path = "x.bin", num_parts = 0 })).Error(400, "INVALID_PARAMETER_VALUE");
        (await Post(http, $"mpu/create/{exp}/{run}/artifacts", new { num_parts = 1 })).Error(400, "INVALID_PARAMETER_VALUE");

        (await Complete(http, exp, run, "data.csv", uploadId, new { part_number = 1 }, new { part_number = 2 })).Ok();
        Assert.Equal("a,b\n1,2\n", await http.GetStringAsync($"api/2.0/mlflow-artifacts/artifacts/{exp}/{run}/artifacts/data.csv"));
    }

    private static Task<Answer> Complete(HttpClient http, string exp, string run, string path, string uploadId, params object[] parts) =>
        Post(http, $"mpu/complete/{exp}/{run}/artifacts", new { path, upload_id = uploadId, parts });

    private static async Task<Answer> Post(HttpClient http, string call, object body) =>
        await Answer.Read(await http.PostAsJsonAsync($"api/2.0/mlflow-artifacts/{call}", body));

    // Where an embedded workspace keeps an upload's parts; null for a server workspace (its files are the server's).
    private static string? PartFolder(MlflowClient ml, string uploadId)
    {
        using var ws = ml.Open();
        return ws is LocalWorkspace ? Path.Combine(ws.ScratchDirectory, "mlflow-mpu", uploadId) : null;
    }

    private static async Task<(string Experiment, string Run)> NewRun(MlflowClient ml)
    {
        var exp = (await ml.Post("experiments/create", new { name = "mpu" })).Ok().GetProperty("experiment_id").GetString()!;
        return (exp, await ml.CreateRun(exp));
    }
}
