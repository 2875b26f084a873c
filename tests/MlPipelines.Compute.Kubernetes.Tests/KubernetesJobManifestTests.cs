using k8s;
using k8s.Models;
using MlPipelines.Tests.Shared;

namespace MlPipelines.Compute.Kubernetes.Tests;

public sealed class KubernetesJobManifestTests
{
    [Theory]
    [InlineData("job-full")]
    [InlineData("job-image-only")]
    [InlineData("job-awkward")]
    public void Render_Scenario_MatchesApprovedFile(string scenario)
    {
        var yaml = ManifestScenarios.All().Single(s => s.Name == scenario).Yaml;
        Approved.Verify(yaml, scenario, "yaml");
    }

    [Fact]
    public void Render_AllScenarios_DeserializeStrictlyAsBatchV1Jobs()
    {
        foreach (var (name, yaml) in ManifestScenarios.All())
        {
            var job = KubernetesYaml.Deserialize<V1Job>(yaml, strict: true); // strict: an unknown field throws
            Assert.True(job.ApiVersion == "batch/v1" && job.Kind == "Job", name);
            Assert.True(KubernetesNames.IsDnsLabel(job.Metadata.Name), name);
            Assert.Equal(0, job.Spec.BackoffLimit);
            Assert.Equal("Never", job.Spec.Template.Spec.RestartPolicy);
            Assert.Equal(job.Metadata.Name, job.Spec.Template.Metadata.Labels[KubernetesJobManifest.JobLabel]);
        }
    }

    [Fact]
    public void Render_FullOptions_HoldsEverythingTheTargetAndJobAsked()
    {
        var job = KubernetesYaml.Deserialize<V1Job>(ManifestScenarios.All().First().Yaml, strict: true);
        var pod = job.Spec.Template.Spec;
        var main = Assert.Single(pod.Containers);
        var folder = $"/mnt/mlp/mlp-jobs/{ManifestScenarios.JobName}";

        Assert.Equal("ml-jobs", job.Metadata.NamespaceProperty);
        Assert.Equal(5400, job.Spec.ActiveDeadlineSeconds);
        Assert.Equal(3600, job.Spec.TtlSecondsAfterFinished);
        Assert.Equal(10, pod.TerminationGracePeriodSeconds);
        Assert.Equal("mlp-runner", pod.ServiceAccountName);
        Assert.Equal(new Dictionary<string, string> { ["gpu"] = "a100", ["topology.kubernetes.io/zone"] = "eu-west-1b" }, pod.NodeSelector);
        Assert.Equal([("nvidia.com/gpu", "Exists", null, "NoSchedule"), ("dedicated", "Equal", "ml", "NoExecute")],
            pod.Tolerations.Select(t => (t.Key, t.OperatorProperty, (string?)t.Value, t.Effect)));
        Assert.Equal(["registry-creds"], pod.ImagePullSecrets.Select(s => s.Name));
        Assert.Equal("mlp-work", Assert.Single(pod.Volumes).PersistentVolumeClaim.ClaimName);
        Assert.Equal("/mnt/mlp", Assert.Single(main.VolumeMounts).MountPath);
        Assert.Equal("main", main.Name);
        Assert.Equal(["python3"], main.Command);
        Assert.Equal(["train.py", $"--data={folder}/work/data/iris.csv", "/mnt/mlp/shared/features.parquet", "--epochs", "10", $"{folder}/inputs/0/iris-v3"], main.Args);
        Assert.Equal($"{folder}/work", main.WorkingDir);
        Assert.Equal([("DATA", $"{folder}/inputs/0/iris-v3"), ("MLP_OUTPUT_DIR", $"{folder}/outputs"), ("MLP_RUN_ID", "r-42"), ("PYTHONUNBUFFERED", "1")],
            main.Env.Select(e => (e.Name, e.Value)));
        foreach (var quantities in new[] { main.Resources.Requests, main.Resources.Limits })
            Assert.Equal(["4", "8Gi", "1"], new[] { "cpu", "memory", "nvidia.com/gpu" }.Select(k => quantities[k].ToString()));
        var rules = job.Spec.PodFailurePolicy.Rules;
        Assert.Equal(("Ignore", "DisruptionTarget"), (rules[0].Action, Assert.Single(rules[0].OnPodConditions).Type));
        Assert.Equal(("FailJob", "main", "NotIn"), (rules[1].Action, rules[1].OnExitCodes.ContainerName, rules[1].OnExitCodes.OperatorProperty));
        Assert.Equal([0], rules[1].OnExitCodes.Values);
        Assert.Equal("iris.train_r-42", job.Spec.Template.Metadata.Labels["mlpipelines.io/run-id"]);
        Assert.Equal("iris.train/r-42", job.Metadata.Annotations["mlpipelines.io/run-id"]);
    }

    [Fact]
    public void Render_AwkwardStrings_ComeBackExactly()
    {
        var source = ManifestScenarios.AwkwardJob();
        var job = KubernetesYaml.Deserialize<V1Job>(ManifestScenarios.All().Single(s => s.Name == "job-awkward").Yaml, strict: true);
        var main = job.Spec.Template.Spec.Containers[0];

        Assert.Equal(source.Arguments, main.Args);
        Assert.Equal(source.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (e.Key, e.Value ?? "")), main.Env.Select(e => (e.Name, e.Value ?? "")));
        Assert.Equal("AWKWARD___Run--ID", job.Metadata.Labels["mlpipelines.io/run-id"]);
    }

    [Fact]
    public void Render_ImageOnly_HasNoVolumeNoWorkingFolderAndNoLimits()
    {
        var job = KubernetesYaml.Deserialize<V1Job>(ManifestScenarios.All().Single(s => s.Name == "job-image-only").Yaml, strict: true);
        var main = job.Spec.Template.Spec.Containers[0];

        Assert.Null(job.Spec.Template.Spec.Volumes);
        Assert.Null(main.WorkingDir);
        Assert.Null(main.Resources);
        Assert.Null(job.Spec.ActiveDeadlineSeconds);
        Assert.Null(job.Spec.TtlSecondsAfterFinished);
        Assert.Equal("default", job.Metadata.NamespaceProperty);
    }

    [Fact]
    public void Render_UserTemplatesFolder_OverridesTheBuiltInJob()
    {
        var templates = Directory.CreateTempSubdirectory("mlp-k8s-job-templates-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(templates, "kubernetes"));
            File.WriteAllText(Path.Combine(templates, "kubernetes", "job.yaml.hbs"), "# team job {{q name}} in {{namespace}} runs {{q image}}\n");
            var options = new KubernetesComputeOptions("plain") { TemplatesDirectory = templates };

            Assert.Equal($"# team job \"{ManifestScenarios.JobName}\" in default runs \"registry.example/scorer:1.4.0\"\n",
                ManifestScenarios.Render(ManifestScenarios.ImageOnlyJob(), options, ManifestScenarios.JobName));
        }
        finally
        {
            Directory.Delete(templates, true);
        }
    }

    [Fact]
    public void Render_InvalidVariableName_Throws()
    {
        var job = ManifestScenarios.ImageOnlyJob() with { Environment = new Dictionary<string, string?> { ["BAD NAME"] = "x" } };

        var e = Assert.Throws<ArgumentException>(() => ManifestScenarios.Render(job, new KubernetesComputeOptions("plain")));
        Assert.Contains("'BAD NAME'", e.Message);
    }
}
