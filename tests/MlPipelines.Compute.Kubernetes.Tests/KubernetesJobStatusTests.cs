using k8s;
using k8s.Models;

namespace MlPipelines.Compute.Kubernetes.Tests;

/// <summary>Reading the recorded objects: waiting reasons, start, exit code, final condition.</summary>
public sealed class KubernetesJobStatusTests
{
    private static T Load<T>(string file) => KubernetesJson.Deserialize<T>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recorded", file))
        .Replace("{{job}}", "j").Replace("{{pod}}", "j-x").Replace("{{namespace}}", "ml").Replace("{{uid}}", "u"));

    [Theory]
    [InlineData("pod-pending-unschedulable.json", "Unschedulable: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu.")]
    [InlineData("pod-pending-imagepullbackoff.json", "ImagePullBackOff: Back-off pulling image")]
    [InlineData("pod-pending-creating.json", "ContainerCreating")]
    public void WaitingReason_PendingPod_SaysWhy(string file, string expected) =>
        Assert.StartsWith(expected, KubernetesJobStatus.WaitingReason(Load<V1Pod>(file)));

    [Theory]
    [InlineData("pod-running.json", true, null)]
    [InlineData("pod-succeeded.json", true, 0)]
    [InlineData("pod-failed-exit3.json", true, 3)]
    [InlineData("pod-pending-creating.json", false, null)]
    public void Terminated_RecordedPod_GivesStartAndExitCode(string file, bool started, int? exitCode)
    {
        var pod = Load<V1Pod>(file);

        Assert.Equal(started, KubernetesJobStatus.HasStarted(pod));
        Assert.Equal(exitCode, KubernetesJobStatus.Terminated(pod)?.ExitCode);
        if (started) Assert.Null(KubernetesJobStatus.WaitingReason(pod));
    }

    [Theory]
    [InlineData("job-active.json", null, null)]
    [InlineData("job-complete.json", "Complete", "CompletionsReached")]
    [InlineData("job-failed-podfailurepolicy.json", "Failed", "PodFailurePolicy")]
    [InlineData("job-failed-deadline.json", "Failed", "DeadlineExceeded")]
    public void End_RecordedJob_IsTheFinalConditionNotTheEarlyOnes(string file, string? type, string? reason)
    {
        var end = KubernetesJobStatus.End(Load<V1Job>(file));

        Assert.Equal((type, reason), (end?.Type, end?.Reason));
    }
}
