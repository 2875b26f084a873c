using MlPipelines.Core.Compute;

namespace MlPipelines.Compute.Kubernetes.Tests;

/// <summary>The jobs and targets whose manifests are snapshotted and schema-checked (fixed names and paths: rendering is pure).</summary>
internal static class ManifestScenarios
{
    public const string JobName = "iris-train-r-42-ab12c";

    /// <summary>A target with every option of the kind, read the way the workspace's definition is.</summary>
    public static KubernetesComputeOptions FullOptions() => KubernetesComputeOptions.FromDefinition(new ComputeTargetDefinition
    {
        Name = "gpu-cluster", Kind = "kubernetes",
        Options = new Dictionary<string, string>
        {
            ["namespace"] = "ml-jobs", ["service-account"] = "mlp-runner", ["node-selector"] = "gpu=a100,topology.kubernetes.io/zone=eu-west-1b",
            ["tolerations"] = "nvidia.com/gpu:NoSchedule,dedicated=ml:NoExecute", ["image-pull-secrets"] = "registry-creds",
            ["pvc"] = "mlp-work", ["pvc-mount"] = "/mnt/mlp", ["pvc_host_path"] = "/srv/mlp-claim", ["ttl-seconds"] = "3600",
        },
    });

    /// <summary>A training step: working folder, an input inside it, one elsewhere, one already on the claim; outputs; limits; timeout.</summary>
    public static ComputeJob TrainJob() => new("python3", ["train.py", "--data=/home/ada/project/data/iris.csv", "/srv/mlp-claim/shared/features.parquet", "--epochs", "10", "/srv/datasets/iris-v3"])
    {
        Name = "iris.train/r-42", Image = "registry.example/mlp-env/python-3.11-sklearn:9c41d2", WorkingDirectory = "/home/ada/project",
        OutputDirectory = "/home/ada/project/.mlp/runs/r-42/outputs", Timeout = TimeSpan.FromMinutes(90), KillGracePeriod = TimeSpan.FromSeconds(10),
        Resources = new ComputeResources(4, 8192, 1),
        ReadOnlyPaths = ["/home/ada/project/data/iris.csv", "/srv/datasets/iris-v3", "/srv/mlp-claim/shared/features.parquet"],
        Environment = new Dictionary<string, string?>
        {
            ["MLP_RUN_ID"] = "r-42", ["MLP_OUTPUT_DIR"] = "/home/ada/project/.mlp/runs/r-42/outputs", ["PYTHONUNBUFFERED"] = "1", ["DATA"] = "/srv/datasets/iris-v3",
            ["DISPLAY"] = null,
        },
    };

    /// <summary>A job on a target without a claim: it runs only from its image.</summary>
    public static ComputeJob ImageOnlyJob() => new("dotnet", ["Score.dll", "--batch"]) { Name = "score", Image = "registry.example/scorer:1.4.0" };

    /// <summary>Strings YAML would misread if written bare: booleans, numbers, null, '#', ': ', quotes, line breaks, non-ASCII.</summary>
    public static ComputeJob AwkwardJob() => new("sh", ["-c", "echo \"a: b\" # not a comment\nexit 0", "yes", "null", "0o17", "- item", "{x}", "naïve ☃"])
    {
        Name = "AWKWARD___Run--ID..", Image = "registry.example/tools:latest",
        Environment = new Dictionary<string, string?> { ["FLAG"] = "true", ["COUNT"] = "007", ["EMPTY"] = "", ["QUOTE"] = "it's \"quoted\"\\" },
    };

    /// <summary>Every scenario: its snapshot name and its manifest.</summary>
    public static IEnumerable<(string Name, string Yaml)> All()
    {
        yield return ("job-full", Render(TrainJob(), FullOptions()));
        yield return ("job-image-only", Render(ImageOnlyJob(), new KubernetesComputeOptions("plain"), "score-q7w3e"));
        yield return ("job-awkward", Render(AwkwardJob(), new KubernetesComputeOptions("plain"), "awkward-run-id-zz9zz"));
    }

    public static string Render(ComputeJob job, KubernetesComputeOptions options, string name = JobName) =>
        new KubernetesTarget(options).Render(job, name).Yaml;
}
