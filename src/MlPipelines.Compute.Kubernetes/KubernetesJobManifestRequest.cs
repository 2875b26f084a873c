using MlPipelines.Core.Errors;

namespace MlPipelines.Compute.Kubernetes;

/// <summary>Everything one Job manifest holds, already resolved (pod paths, names): the data of <c>kubernetes/job.yaml.hbs</c>.</summary>
public sealed record KubernetesJobManifestRequest
{
    /// <summary>The Job's name (a DNS-1123 label).</summary>
    public required string Name { get; init; }
    /// <summary>Its namespace.</summary>
    public required string Namespace { get; init; }
    /// <summary>The compute target's name (a label of the Job and its pods).</summary>
    public required string Target { get; init; }
    /// <summary>The run the job runs (a label, sanitized, and an annotation, as given), or null.</summary>
    public string? RunId { get; init; }
    /// <summary>The container image.</summary>
    public required string Image { get; init; }
    /// <summary>The container's <c>command</c>: the program (replacing the image's entrypoint).</summary>
    public required IReadOnlyList<string> Command { get; init; }
    /// <summary>The container's <c>args</c>.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];
    /// <summary>The container's <c>workingDir</c>, or null for the image's.</summary>
    public string? WorkingDir { get; init; }
    /// <summary>Environment variables of the container (written sorted by name).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>Requested cores, memory and GPUs (requests = limits).</summary>
    public ComputeResources Resources { get; init; } = ComputeResources.None;
    /// <summary>activeDeadlineSeconds, or null for none.</summary>
    public long? ActiveDeadlineSeconds { get; init; }
    /// <summary>ttlSecondsAfterFinished, or null for none.</summary>
    public int? TtlSecondsAfterFinished { get; init; }
    /// <summary>backoffLimit: 0, as the runner does the retrying.</summary>
    public int BackoffLimit { get; init; }
    /// <summary>terminationGracePeriodSeconds: how long a deleted pod gets after SIGTERM.</summary>
    public long TerminationGracePeriodSeconds { get; init; } = 2;
    /// <summary>serviceAccountName, or null.</summary>
    public string? ServiceAccount { get; init; }
    /// <summary>nodeSelector.</summary>
    public IReadOnlyDictionary<string, string> NodeSelector { get; init; } = new Dictionary<string, string>();
    /// <summary>Tolerations.</summary>
    public IReadOnlyList<KubernetesToleration> Tolerations { get; init; } = [];
    /// <summary>imagePullSecrets.</summary>
    public IReadOnlyList<string> ImagePullSecrets { get; init; } = [];
    /// <summary>The claim mounted for the job's files, or null.</summary>
    public KubernetesVolume? Volume { get; init; }

    /// <summary>
    /// The manifest of <paramref name="job"/> as Job <paramref name="name"/> of the target: its image, its command with
    /// host paths rewritten by <paramref name="layout"/>, its variables (null ones dropped: a pod inherits nothing), its
    /// resources, its timeout as activeDeadlineSeconds, and the target's scheduling options.
    /// </summary>
    public static KubernetesJobManifestRequest For(ComputeJob job, KubernetesComputeOptions options, string name, KubernetesJobLayout layout)
    {
        if (string.IsNullOrWhiteSpace(job.Image))
            throw MlpException.Invalid($"Compute target '{options.Name}' runs jobs in containers, and job '{job.Name ?? job.FileName}' has no image; give the step an environment (e.g. .Environment(\"python-3.11\")).");
        var env = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in job.Environment)
            if (value is not null) env[key] = layout.Rewrite(value);
        if (layout.OutputDirectory is { } outputs) env["MLP_OUTPUT_DIR"] = outputs;
        return new KubernetesJobManifestRequest
        {
            Name = name,
            Namespace = options.Namespace,
            Target = options.Name,
            RunId = job.Name,
            Image = job.Image,
            Command = [layout.Rewrite(job.FileName)],
            Args = job.Arguments.Select(layout.Rewrite).ToList(),
            WorkingDir = layout.WorkingDirectory,
            Environment = env,
            Resources = job.Resources,
            ActiveDeadlineSeconds = job.Timeout is { } t ? Math.Max(1, (long)Math.Ceiling(t.TotalSeconds)) : null,
            TtlSecondsAfterFinished = options.TtlSecondsAfterFinished,
            BackoffLimit = 0,
            TerminationGracePeriodSeconds = Math.Max(0, (long)Math.Ceiling(job.KillGracePeriod.TotalSeconds)),
            ServiceAccount = options.ServiceAccount,
            NodeSelector = options.NodeSelector,
            Tolerations = options.Tolerations,
            ImagePullSecrets = options.ImagePullSecrets,
            Volume = options.Volume,
        };
    }
}
