using System.Net;
using MlPipelines.Containers;

namespace MlPipelines.Images.Tests;

/// <summary><c>mlp image build MODEL@champion --push localhost:5000/REPO</c> against a real engine and registry: the image
/// serves /score in a container, and a second build does nothing. Start the services with <c>.ci/services/docker.sh start</c>.</summary>
public sealed class ImageIntegrationTests : IDisposable
{
    private readonly ImageWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [RequiresDockerAndRegistryFact]
    public async Task BuildPush_RegisteredModel_ServesScoreAndSecondBuildIsUpToDate()
    {
        var factor = Random.Shared.Next(2, 1000); // a fresh model each run, so the first build really builds
        _ws.RegisterSumModel("sumit", factor);
        var repository = Services.Registry.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/sumit";
        string[] build = ["image", "build", "sumit@champion", "--push", repository, "--base-image", Services.BaseImage];

        var first = _ws.Mlp(Services.DockerHost, [.. build, "--format", "json"]);
        Assert.True(first.ExitCode == 0, first.Stderr);
        var result = System.Text.Json.JsonDocument.Parse(first.Stdout).RootElement[0];
        var localTag = result.GetProperty("localTag").GetString()!;
        var shortHash = localTag[(localTag.LastIndexOf(':') + 1)..];
        using var engine = new DockerEngineClient(DockerEndpoint.Parse(Services.DockerHost));
        string? container = null;
        try
        {
            Assert.Equal("built", result.GetProperty("outcome").GetString());
            Assert.True(result.GetProperty("pushed").GetBoolean());
            Assert.Equal($"{repository}:{shortHash}", result.GetProperty("tag").GetString());
            Assert.Equal("pushed", result.GetProperty("state").GetString());
            Assert.Matches("^sha256:[0-9a-f]{64}$", result.GetProperty("digest").GetString());
            Assert.Contains("Step 1/", first.Stderr); // build progress, plain lines on stderr with --format json
            using (var registry = new OciRegistryClient(Services.Registry))
                Assert.Equal(result.GetProperty("digest").GetString(), await registry.GetManifestDigestAsync("sumit", shortHash));

            container = await engine.CreateContainerAsync(new ContainerSpec { Image = $"{repository}:{shortHash}", PublishPort = 8080 });
            await engine.StartContainerAsync(container);
            var state = await engine.InspectContainerAsync(container);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{state.HostPort}"), Timeout = TimeSpan.FromSeconds(5) };
            await WaitReadyAsync(http, engine, container);
            using var scored = await http.PostAsync("/score", new StringContent("""{"x":[1,2]}"""));
            Assert.Equal(HttpStatusCode.OK, scored.StatusCode);
            Assert.Equal($"{{\"y\":{3 * factor}}}", await scored.Content.ReadAsStringAsync());
            Assert.Equal("""{"inputs":[{"name":"x"}]}""", await http.GetStringAsync("/schema"));

            var second = _ws.Mlp(Services.DockerHost, build);
            Assert.True(second.ExitCode == 0, second.Stderr);
            Assert.Contains($"{localTag} is up to date", second.Stdout);
            Assert.Contains($"{repository}:{shortHash} up to date, already pushed", second.Stdout);
            Assert.DoesNotContain("Step 1/", second.Stdout);
            var list = _ws.Json(Services.DockerHost, "image", "list");
            Assert.Contains(list.EnumerateArray(), i => i.GetProperty("tag").GetString() == $"{repository}:{shortHash}" && i.GetProperty("state").GetString() == "pushed");
        }
        finally
        {
            if (container is not null) await engine.RemoveContainerAsync(container);
            await engine.RemoveImageAsync(localTag);
            await engine.RemoveImageAsync($"{repository}:{shortHash}");
        }
    }

    private static async Task WaitReadyAsync(HttpClient http, DockerEngineClient engine, string container)
    {
        for (var i = 0; i < 150; i++)
        {
            try
            {
                using var r = await http.GetAsync("/health/ready");
                if (r.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        Assert.Fail("container never became ready; logs:\n" + await engine.LogsAsync(container));
    }
}
