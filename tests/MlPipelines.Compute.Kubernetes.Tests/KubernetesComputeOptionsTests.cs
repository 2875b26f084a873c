using MlPipelines.Core.Compute;
using MlPipelines.Core.Errors;

namespace MlPipelines.Compute.Kubernetes.Tests;

public sealed class KubernetesComputeOptionsTests
{
    private static ComputeTargetDefinition Definition(Dictionary<string, string> options, string kind = "kubernetes") =>
        new() { Name = "k8s", Kind = kind, Options = options };

    [Fact]
    public void FromDefinition_EveryOption_IsReadIntoTheOptions()
    {
        var o = ManifestScenarios.FullOptions();

        Assert.Equal(("gpu-cluster", "ml-jobs", "mlp-runner", 3600), (o.Name, o.Namespace, o.ServiceAccount, o.TtlSecondsAfterFinished));
        Assert.Equal(new KubernetesVolume("mlp-work", "/mnt/mlp", "/srv/mlp-claim"), o.Volume);
        Assert.Equal(["registry-creds"], o.ImagePullSecrets);
        Assert.Equal([new KubernetesToleration("nvidia.com/gpu", "Exists", null, "NoSchedule"), new KubernetesToleration("dedicated", "Equal", "ml", "NoExecute")], o.Tolerations);
        Assert.Equal("a100", o.NodeSelector["gpu"]);
    }

    [Fact]
    public void FromDefinition_NoOptions_UsesDefaultNamespaceAndNoVolume()
    {
        var o = KubernetesComputeOptions.FromDefinition(Definition([]));

        Assert.Equal("default", o.Namespace);
        Assert.Null(o.Volume);
        Assert.Null(o.KubeconfigPath);
        Assert.Null(o.TtlSecondsAfterFinished);
    }

    [Fact]
    public void FromDefinition_KubeconfigWithTilde_IsExpandedToTheHomeFolder()
    {
        var o = KubernetesComputeOptions.FromDefinition(Definition(new() { ["kubeconfig"] = "~/.kube/prod", ["context"] = "prod-admin" }));

        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "prod"), o.KubeconfigPath);
        Assert.Equal("prod-admin", o.Context);
    }

    [Fact]
    public void FromDefinition_PartOfTheVolume_NamesWhatIsMissing()
    {
        var e = Assert.Throws<MlpException>(() => KubernetesComputeOptions.FromDefinition(Definition(new() { ["pvc"] = "work" })));

        Assert.Equal("Compute target 'k8s' sets only part of its volume: 'pvc-mount' and 'pvc-host-path' missing; 'pvc', 'pvc-mount' and 'pvc-host-path' go together.", e.Message);
    }

    [Theory]
    [InlineData("namespace", "ML_Jobs", "Option 'namespace' of compute target 'k8s' is 'ML_Jobs'")]
    [InlineData("service-account", "Runner!", "Option 'service-account' of compute target 'k8s' is 'Runner!'")]
    [InlineData("image-pull-secrets", "ok,Bad_Secret", "names 'Bad_Secret'")]
    [InlineData("tolerations", "gpu=true:Sometimes", "Toleration 'gpu=true:Sometimes' has effect 'Sometimes'; expected one of 'NoSchedule', 'PreferNoSchedule', 'NoExecute'.")]
    [InlineData("tolerations", "=x:NoSchedule", "Toleration '=x:NoSchedule' has no valid key")]
    [InlineData("ttl-seconds", "99999999999", "the most Kubernetes takes is 2147483647")]
    public void FromDefinition_BadValue_IsRefusedQuotingIt(string option, string value, string expected)
    {
        var e = Assert.Throws<MlpException>(() => KubernetesComputeOptions.FromDefinition(Definition(new() { [option] = value })));

        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void FromDefinition_BadClaimOrMount_IsRefused()
    {
        var volume = new Dictionary<string, string> { ["pvc"] = "Work Claim", ["pvc-mount"] = "/mnt/w", ["pvc-host-path"] = "/srv/w" };
        Assert.Contains("Option 'pvc' of compute target 'k8s' is 'Work Claim'", Assert.Throws<MlpException>(() => KubernetesComputeOptions.FromDefinition(Definition(volume))).Message);

        volume["pvc"] = "work";
        volume["pvc-mount"] = "mnt/w";
        Assert.Contains("expected an absolute path", Assert.Throws<MlpException>(() => KubernetesComputeOptions.FromDefinition(Definition(volume))).Message);
    }

    [Fact]
    public void FromDefinition_UnknownOptionOrOtherKind_IsRefusedListingTheKnownOnes()
    {
        var unknown = Assert.Throws<MlpException>(() => KubernetesComputeOptions.FromDefinition(Definition(new() { ["partition"] = "gpu" })));
        Assert.Contains("has no option 'partition'", unknown.Message);
        Assert.Contains("'pvc-host-path'", unknown.Message);

        var kind = Assert.Throws<MlpException>(() => KubernetesComputeOptions.FromDefinition(Definition([], "slurm")));
        Assert.Equal("Compute target 'k8s' is of kind 'slurm', not 'kubernetes'.", kind.Message);
    }

    [Theory]
    [InlineData("gpu=true:NoSchedule", "gpu", "Equal", "true", "NoSchedule")]
    [InlineData("nvidia.com/gpu:NoExecute", "nvidia.com/gpu", "Exists", null, "NoExecute")]
    [InlineData("spot=yes", "spot", "Equal", "yes", null)]
    [InlineData("dedicated", "dedicated", "Exists", null, null)]
    public void Parse_TolerationForms_GiveOperatorAndEffect(string text, string key, string op, string? value, string? effect) =>
        Assert.Equal(new KubernetesToleration(key, op, value, effect), KubernetesToleration.Parse(text));
}
