namespace MlPipelines.Compute.Kubernetes.Tests.FakeApi;

/// <summary>One event of a watch stream: after <see cref="Delay"/>, the recorded object <see cref="File"/> as <see cref="Type"/>.</summary>
internal sealed record FakeEvent(string Type, string File, int DelayMs = 50);

/// <summary>What the fake API server answers for one Job: its watch streams, its pod's log, the pod list, and hooks.</summary>
internal sealed class FakeScenario
{
    /// <summary>Events of the pod watch (label selector mlpipelines.io/job=NAME), in order.</summary>
    public List<FakeEvent> PodEvents { get; init; } = [];
    /// <summary>Events of the Job watch (field selector metadata.name=NAME), in order.</summary>
    public List<FakeEvent> JobEvents { get; init; } = [];
    /// <summary>Recorded pod objects the pod list returns (the state after the Job ended).</summary>
    public List<string> PodList { get; init; } = [];
    /// <summary>Lines of the pod's log, each written and flushed on its own.</summary>
    public List<string> LogLines { get; init; } = [];
    /// <summary>Keep the log stream open after its lines until the Job is deleted (a still-running container).</summary>
    public bool HoldLogUntilDeleted { get; init; }
    /// <summary>Answer the create with this recorded Status (and its code) instead of the created Job.</summary>
    public string? RejectCreateWith { get; init; }
    /// <summary>Called with the Job's name when it is created (before the answer): the test plays the pod's part on the claim here.</summary>
    public Action<string>? OnCreated { get; init; }
}
