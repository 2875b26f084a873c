using System.Net;
using MlPipelines.Rendering;

namespace MlPipelines.Containers.Tests;

/// <summary>Render → build (Engine API) → push (local registry) → run → score, then rebuild is a no-op.
/// Needs DOCKER_HOST, the local base image MLP_TEST_BASE_IMAGE and a registry at MLP_TEST_REGISTRY (see .ci/services/docker.sh).</summary>
public sealed class ImageIntegrationTests
{
    [RequiresDockerAndRegistryFact]
    public async Task BuildPushRunScore_RealModel_ServesAndSecondBuildIsUpToDate()
    {
        var root = Directory.CreateTempSubdirectory("mlp-image-it-").FullName;
        var model = Path.Combine(root, "model.json");
        var factor = Random.Shared.Next(2, 1000); // a fresh model each run, so the first build really builds
        File.WriteAllText(model, $"{{\"factor\":{factor}}}");
        var ctx = ImageContextRenderer.RenderImageContext(new ImageContextRequest
        {
            ModelName = "itest", ModelVersion = 1, ModelHash = "h", ModelFiles = [new ImageModelFile("model.json", model)],
            Scorer = ImageScorerKind.Dotnet, ScorerPath = Services.Metadata("TestScorerPath"),
            HostDirectory = Services.Metadata("HostDirectory"), BaseImage = Services.BaseImage,
            SignatureJson = """{"inputs":[{"name":"x"}]}""",
        }, Path.Combine(root, "context"));
        var store = new MemoryImageStore();
        using var engine = new DockerEngineClient(DockerEndpoint.FromEnvironment());
        var builder = new ImageBuilder(engine, store);
        var request = new ImageBuildRequest
        {
            ContextDirectory = ctx.Directory, ContextHash = ctx.ContextHash, Tag = ctx.Tag, Model = "itest", ModelVersion = 1,
            BaseImage = ctx.BaseImage, PushRepository = $"{Services.Registry}/itest",
        };
        var log = new List<string>();
        string? container = null;
        try
        {
            var first = await builder.BuildAsync(request, log.Add);
            Assert.Equal(ImageBuildOutcome.Built, first.Outcome);
            Assert.True(first.Pushed);
            Assert.Equal("pushed", first.Record.State);
            Assert.Matches("^sha256:[0-9a-f]{64}$", first.Record.Digest);
            Assert.True(first.Record.SizeBytes > 0);
            Assert.Contains(log, l => l.Contains("Step 1/", StringComparison.Ordinal));

            using (var registry = new OciRegistryClient(Services.Registry))
            {
                Assert.Contains(ctx.ShortHash, await registry.ListTagsAsync("itest"));
                Assert.Equal(first.Record.Digest, await registry.GetManifestDigestAsync("itest", ctx.ShortHash));
            }

            container = await engine.CreateContainerAsync(new ContainerSpec { Image = ctx.Tag, PublishPort = 8080, Name = "mlp-itest-" + ctx.ShortHash });
            await engine.StartContainerAsync(container);
            var state = await engine.InspectContainerAsync(container);
            Assert.True(state.Running);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{state.HostPort}"), Timeout = TimeSpan.FromSeconds(5) };
            await WaitReadyAsync(http, engine, container);
            using var scored = await http.PostAsync("/score", new StringContent("""{"x":[1,2]}"""));
            Assert.Equal(HttpStatusCode.OK, scored.StatusCode);
            Assert.Equal($"{{\"y\":{3 * factor}}}", await scored.Content.ReadAsStringAsync());
            Assert.Equal("""{"inputs":[{"name":"x"}]}""", await http.GetStringAsync("/schema"));
            Assert.Contains("Scorer ready", await engine.LogsAsync(container));

            var second = await builder.BuildAsync(request, log.Add);
            Assert.Equal(ImageBuildOutcome.UpToDate, second.Outcome);
            Assert.False(second.Pushed);
            Assert.Equal(first.Record.Digest, second.Record.Digest);
        }
        finally
        {
            if (container is not null) await engine.RemoveContainerAsync(container);
            await engine.RemoveImageAsync(ctx.Tag);
            await engine.RemoveImageAsync($"{Services.Registry}/itest:{ctx.ShortHash}");
        }
    }

    [RequiresDockerAndPythonImageFact]
    public async Task BuildRunScore_ScorePyImage_ServesThroughPythonWorker()
    {
        var root = Directory.CreateTempSubdirectory("mlp-pyimage-it-").FullName;
        var code = Directory.CreateDirectory(Path.Combine(root, "code")).FullName;
        File.WriteAllText(Path.Combine(code, "score.py"),
            "import json, os\n\ndef init():\n    global f\n    f = json.load(open(os.path.join(os.environ['AZUREML_MODEL_DIR'], 'model.json')))['factor']\n    print('init done')\n\n" +
            "def run(raw_data):\n    return {'y': sum(json.loads(raw_data)['x']) * f}\n");
        var model = Path.Combine(root, "model.json");
        var factor = Random.Shared.Next(2, 1000);
        File.WriteAllText(model, $"{{\"factor\":{factor}}}");
        var ctx = ImageContextRenderer.RenderImageContext(new ImageContextRequest
        {
            ModelName = "pyitest", ModelVersion = 1, ModelFiles = [new ImageModelFile("model.json", model)],
            Scorer = ImageScorerKind.Python, ScorerPath = Path.Combine(code, "score.py"), HostDirectory = Services.Metadata("HostDirectory"),
            BaseImage = Services.PythonImage, DotnetRuntimeImage = Services.BaseImage,
        }, Path.Combine(root, "context"));
        using var engine = new DockerEngineClient(DockerEndpoint.FromEnvironment());
        var result = await new ImageBuilder(engine, new MemoryImageStore()).BuildAsync(new ImageBuildRequest
        {
            ContextDirectory = ctx.Directory, ContextHash = ctx.ContextHash, Tag = ctx.Tag, Model = "pyitest", ModelVersion = 1, BaseImage = ctx.BaseImage,
        });
        string? container = null;
        try
        {
            Assert.Equal(ImageBuildOutcome.Built, result.Outcome);
            Assert.Equal("built", result.Record.State);
            container = await engine.CreateContainerAsync(new ContainerSpec { Image = ctx.Tag, PublishPort = 8080 });
            await engine.StartContainerAsync(container);
            var state = await engine.InspectContainerAsync(container);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{state.HostPort}"), Timeout = TimeSpan.FromSeconds(5) };
            await WaitReadyAsync(http, engine, container);
            using var scored = await http.PostAsync("/score", new StringContent("""{"x":[1,2]}"""));
            Assert.Equal(HttpStatusCode.OK, scored.StatusCode);
            Assert.Equal($"{{\"y\": {3 * factor}}}", await scored.Content.ReadAsStringAsync());
            Assert.Contains("init done", await engine.LogsAsync(container));
        }
        finally
        {
            if (container is not null) await engine.RemoveContainerAsync(container);
            await engine.RemoveImageAsync(ctx.Tag);
        }
    }

    [RequiresDockerFact]
    public async Task BuildAsync_BrokenDockerfile_FailsWithEngineMessage()
    {
        var dir = Directory.CreateTempSubdirectory("mlp-bad-ctx-").FullName;
        File.WriteAllText(Path.Combine(dir, "Dockerfile"), $"FROM {Services.BaseImage}\nRUN /bin/sh -c 'exit 3'\n");
        using var engine = new DockerEngineClient(DockerEndpoint.FromEnvironment());
        var e = await Assert.ThrowsAsync<MlPipelines.Core.Errors.MlpException>(() => engine.BuildAsync(dir, "mlp/broken:test"));
        Assert.Contains("Building 'mlp/broken:test' failed", e.Message);
        Assert.Contains("returned a non-zero code: 3", e.Message);
    }

    private static async Task WaitReadyAsync(HttpClient http, DockerEngineClient engine, string container)
    {
        for (var i = 0; i < 100; i++)
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
