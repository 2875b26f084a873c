using MlPipelines.Core.Endpoints;
using MlPipelines.Endpoints.Targets;
using MlPipelines.Endpoints.Tests.Support;

namespace MlPipelines.Endpoints.Tests.Kubernetes;

public sealed class KubernetesManifestTests
{
    private static readonly DateTimeOffset Created = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static EndpointRecord Endpoint(Dictionary<string, int> traffic, Dictionary<string, int>? mirror = null) => new()
    {
        Name = "iris", AuthMode = "key", PrimaryKey = "p", SecondaryKey = "s", Traffic = traffic, Mirror = mirror ?? [], CreatedAt = Created,
    };

    private static DeploymentRecord Deployment(string name, int version, int replicas, string? image = null) => new()
    {
        Endpoint = "iris", Name = name, Model = "iris", ModelVersion = version, Image = image, Target = "kubernetes",
        InstanceCount = replicas, RequestTimeoutMs = 5000, MaxConcurrentRequests = 8, Status = DeploymentStatus.Creating, CreatedAt = Created,
    };

    private static readonly DeploymentRecord[] BlueGreen =
    [
        Deployment("green", 2, 1),
        Deployment("blue", 1, 2, "localhost:5000/iris:3f2a9c"),
    ];

    [Theory]
    [InlineData("blue.deployment.yaml")]
    [InlineData("blue.service.yaml")]
    [InlineData("green.deployment.yaml")]
    [InlineData("httproute.yaml")]
    public void Render_BlueGreenSplitWithMirror_MatchesApprovedFiles(string file)
    {
        var files = KubernetesManifests.Render(Endpoint(new() { ["blue"] = 90, ["green"] = 10 }), BlueGreen, new KubernetesOptions { Namespace = "ml" });
        Approvals.Verify(files[file], "bluegreen." + Path.GetFileNameWithoutExtension(file), "yaml");
    }

    [Fact]
    public void Render_UserTemplatesFolder_OverridesOnlyTheFilesItHolds()
    {
        var templates = Directory.CreateTempSubdirectory("mlp-k8s-templates-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(templates, "kubernetes"));
            File.WriteAllText(Path.Combine(templates, "kubernetes", "service.yaml.hbs"), "# team service for {{resourceName}} in {{namespace}}\n");
            var builtIn = KubernetesManifests.Render(Endpoint(new() { ["blue"] = 100, ["green"] = 0 }), BlueGreen, new KubernetesOptions());
            var custom = KubernetesManifests.Render(Endpoint(new() { ["blue"] = 100, ["green"] = 0 }), BlueGreen, new KubernetesOptions { TemplatesDirectory = templates });

            Assert.Equal("# team service for iris-blue in default\n", custom["blue.service.yaml"]);
            Assert.Equal(builtIn["blue.deployment.yaml"], custom["blue.deployment.yaml"]); // not overridden: the built-in file
            Assert.Equal(builtIn[KubernetesManifests.RouteFile], custom[KubernetesManifests.RouteFile]);
        }
        finally
        {
            Directory.Delete(templates, true);
        }
    }

    [Fact]
    public void Render_MirrorToZeroTrafficDeployment_MatchesApprovedRoute()
    {
        var files = KubernetesManifests.Render(Endpoint(new() { ["blue"] = 100, ["green"] = 0 }, new() { ["green"] = 20 }), BlueGreen, new KubernetesOptions());
        Approvals.Verify(files["httproute.yaml"], "mirror.httproute", "yaml");
    }

    [Fact]
    public void Render_SameInput_IsDeterministicAndWeightsSumTo100()
    {
        var a = KubernetesManifests.Render(Endpoint(new() { ["blue"] = 90, ["green"] = 10 }), BlueGreen, new KubernetesOptions());
        var b = KubernetesManifests.Render(Endpoint(new() { ["green"] = 10, ["blue"] = 90 }), BlueGreen.Reverse().ToArray(), new KubernetesOptions());
        Assert.Equal(a, b);
        var weights = System.Text.RegularExpressions.Regex.Matches(a["httproute.yaml"], @"weight: (\d+)").Select(m => int.Parse(m.Groups[1].Value));
        Assert.Equal(100, weights.Sum());
        Assert.Equal(["blue.deployment.yaml", "blue.service.yaml", "green.deployment.yaml", "green.service.yaml", "httproute.yaml", "keys.secret.yaml"], a.Keys);
    }

    [Fact]
    public void Render_AllManifests_AreParseableYamlWithKindAndName()
    {
        var files = KubernetesManifests.Render(Endpoint(new() { ["blue"] = 90, ["green"] = 10 }, new() { }), BlueGreen, new KubernetesOptions());
        foreach (var (file, text) in files)
        {
            Assert.DoesNotContain("\t", text);
            Assert.Matches(@"(?m)^kind: (Deployment|Service|HTTPRoute|Secret)$", text);
            Assert.Matches(@"(?m)^  name: [a-z0-9-]+$", text);
            Assert.DoesNotMatch(@"\{\{", text);
            _ = file;
        }
    }
}
