using System.Text;
using MlPipelines.Core.Images;
using MlPipelines.Endpoints.Services;
using MlPipelines.Endpoints.Tests.Support;
using MlPipelines.Endpoints.Targets;

namespace MlPipelines.Endpoints.Tests.Kubernetes;

/// <summary>The kubernetes target through the services, checked on the rendered YAML (no API server here).</summary>
public sealed class KubernetesTargetTests
{
    private static NewDeployment Deployment(string name) => new() { Endpoint = "iris", Name = name, Model = "iris", Target = "kubernetes" };

    [Fact]
    public async Task Create_ModelWithBuiltImage_UsesThatImageAndMountsKeysFromSecret()
    {
        await using var ws = new EndpointWorkspace();
        ws.AddModel("iris");
        ws.Images.Save(new ImageRecord
        {
            ContextHash = new string('a', 64), Tag = "127.0.0.1:5000/iris:aaaaaaaaaaaa", Model = "iris", ModelVersion = 1, BaseImage = "b",
            State = "pushed", CreatedAt = DateTimeOffset.UtcNow,
        });
        var endpoint = await ws.Endpoints_.CreateAsync("iris");

        var blue = await ws.Deployments.CreateAsync(Deployment("blue"));

        Assert.Equal("127.0.0.1:5000/iris:aaaaaaaaaaaa", blue.Image);
        var folder = Path.Combine(ws.Context.Paths.Endpoint("iris"), "kubernetes");
        var deployment = File.ReadAllText(Path.Combine(folder, "blue.deployment.yaml"));
        Assert.Contains("image: \"127.0.0.1:5000/iris:aaaaaaaaaaaa\"", deployment);
        Assert.DoesNotContain("mlp-scoring", deployment);
        Assert.Matches(@"- name: MLP_SERVE_KEYS\n\s+valueFrom:\n\s+secretKeyRef:\n\s+name: iris-keys\n\s+key: keys", deployment);
        var secret = File.ReadAllText(Path.Combine(folder, KubernetesManifests.SecretFile));
        Assert.Contains("kind: Secret", secret);
        Assert.Contains("name: iris-keys", secret);
        var keys = Encoding.UTF8.GetString(Convert.FromBase64String(System.Text.RegularExpressions.Regex.Match(secret, @"keys: (\S+)").Groups[1].Value));
        Assert.Equal($"{endpoint.PrimaryKey},{endpoint.SecondaryKey}", keys);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, KubernetesManifests.SecretFile)));
    }

    [Fact]
    public async Task Create_ModelWithoutImage_FailsNamingHowToBuildOne()
    {
        await using var ws = new EndpointWorkspace();
        ws.AddModel("iris");
        await ws.Endpoints_.CreateAsync("iris");
        var e = await Assert.ThrowsAsync<Core.Errors.MlpException>(() => ws.Deployments.CreateAsync(Deployment("blue")));
        Assert.Contains("mlp image build iris:1 --push", e.Message);
    }

    [Fact]
    public async Task Delete_Deployments_RouteNoLongerPointsAtThem()
    {
        await using var ws = new EndpointWorkspace();
        ws.AddModel("iris");
        await ws.Endpoints_.CreateAsync("iris");
        await ws.Deployments.CreateAsync(Deployment("blue") with { Image = "r/iris:1" });
        await ws.Deployments.CreateAsync(Deployment("green") with { Image = "r/iris:2" });
        await ws.Endpoints_.SetTrafficAsync("iris", new Dictionary<string, int> { ["blue"] = 100 }, null);
        var route = Path.Combine(ws.Context.Paths.Endpoint("iris"), "kubernetes", KubernetesManifests.RouteFile);
        Assert.Contains("iris-green", File.ReadAllText(route));

        await ws.Deployments.DeleteAsync("iris", "green");
        Assert.DoesNotContain("iris-green", File.ReadAllText(route));
        Assert.Contains("iris-blue", File.ReadAllText(route));

        await ws.Deployments.DeleteAsync("iris", "blue", force: true);
        Assert.False(File.Exists(route) && File.ReadAllText(route).Contains("iris-blue"), "the route still points at deleted deployment 'blue'");
    }
}
