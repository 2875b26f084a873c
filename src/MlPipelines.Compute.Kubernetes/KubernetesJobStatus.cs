using k8s.Models;

namespace MlPipelines.Compute.Kubernetes;

/// <summary>How a Job ended: its final condition (<c>Complete</c> or <c>Failed</c>) with the reason and message Kubernetes gave.</summary>
/// <param name="Type"><c>Complete</c>, <c>Failed</c>, or <c>Deleted</c> when the Job disappeared before either.</param>
/// <param name="Reason">E.g. <c>DeadlineExceeded</c>, <c>BackoffLimitExceeded</c>, <c>PodFailurePolicy</c>.</param>
/// <param name="Message">Kubernetes' message, e.g. "Job was active longer than specified deadline".</param>
internal sealed record KubernetesJobEnd(string Type, string? Reason, string? Message);

/// <summary>Reads Job and pod objects: pure functions of what the API server returned.</summary>
internal static class KubernetesJobStatus
{
    /// <summary>The Job's final condition, or null while it runs. <c>SuccessCriteriaMet</c> and <c>FailureTarget</c> come first and are not final: the pods may still be ending.</summary>
    public static KubernetesJobEnd? End(V1Job job) =>
        job.Status?.Conditions?.FirstOrDefault(c => c.Status == "True" && c.Type is "Complete" or "Failed") is { } c
            ? new KubernetesJobEnd(c.Type, c.Reason, c.Message)
            : null;

    /// <summary>Why a pod has not started its container yet ("Unschedulable: 0/3 nodes are available…", "ImagePullBackOff: …"), or null once it runs or ended.</summary>
    public static string? WaitingReason(V1Pod pod)
    {
        if (pod.Status?.Phase is not (null or "Pending")) return null;
        if (pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled" && c.Status == "False") is { } unscheduled)
            return Join(unscheduled.Reason ?? "Unschedulable", unscheduled.Message);
        var waiting = pod.Status?.InitContainerStatuses?.Select(s => s.State?.Waiting).FirstOrDefault(w => w is not null && w.Reason != "PodInitializing")
            ?? Main(pod)?.State?.Waiting;
        return waiting is null ? "Pending" : Join(waiting.Reason ?? "Waiting", waiting.Message);
    }

    /// <summary>True once the job's container runs or ran.</summary>
    public static bool HasStarted(V1Pod pod) => Main(pod)?.State is { } s && (s.Running is not null || s.Terminated is not null);

    /// <summary>How the job's container ended, or null while it has not.</summary>
    public static V1ContainerStateTerminated? Terminated(V1Pod pod) => Main(pod)?.State?.Terminated;

    /// <summary>The node the pod was scheduled to.</summary>
    public static string Node(V1Pod pod) => pod.Spec?.NodeName is { Length: > 0 } n ? n : "kubernetes";

    private static V1ContainerStatus? Main(V1Pod pod) => pod.Status?.ContainerStatuses?.FirstOrDefault(s => s.Name == KubernetesJobManifest.ContainerName);

    private static string Join(string reason, string? message) => string.IsNullOrWhiteSpace(message) ? reason : $"{reason}: {message.Trim()}";
}
