using System.Globalization;
using MlPipelines.Core.Compute;
using MlPipelines.Core.Errors;

namespace MlPipelines.Compute.Kubernetes;

/// <summary>
/// The claim that carries a job's files: the submitting machine sees the volume at <paramref name="HostPath"/>, the pods at
/// <paramref name="MountPath"/>, so a file at <c>HostPath/a/b</c> is <c>MountPath/a/b</c> in the pod.
/// </summary>
/// <param name="ClaimName">The PersistentVolumeClaim (ReadWriteMany, so every node can mount it).</param>
/// <param name="MountPath">Where the claim is mounted in the pod (absolute).</param>
/// <param name="HostPath">Where the submitting machine sees the same volume (absolute; e.g. an NFS mount).</param>
public sealed record KubernetesVolume(string ClaimName, string MountPath, string HostPath);

/// <summary>How a <c>kubernetes</c> compute target submits Jobs (the options of the kind in <see cref="ComputeKinds"/>).</summary>
/// <param name="Name">The target's name (what steps give in <c>.Compute(name)</c>).</param>
public sealed record KubernetesComputeOptions(string Name)
{
    /// <summary>kubeconfig file; null: <c>KUBECONFIG</c>, else <c>~/.kube/config</c>.</summary>
    public string? KubeconfigPath { get; init; }
    /// <summary>kubeconfig context; null: the file's current context.</summary>
    public string? Context { get; init; }
    /// <summary>Namespace of the Jobs.</summary>
    public string Namespace { get; init; } = "default";
    /// <summary>serviceAccountName of the pods; null: the namespace's default.</summary>
    public string? ServiceAccount { get; init; }
    /// <summary>nodeSelector of the pods.</summary>
    public IReadOnlyDictionary<string, string> NodeSelector { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
    /// <summary>Tolerations of the pods.</summary>
    public IReadOnlyList<KubernetesToleration> Tolerations { get; init; } = [];
    /// <summary>Secrets the kubelet uses to pull the environment image.</summary>
    public IReadOnlyList<string> ImagePullSecrets { get; init; } = [];
    /// <summary>
    /// The claim holding the jobs' working folders and outputs; null: jobs run only from their image (in its working
    /// folder, no inputs, outputs not collected).
    /// </summary>
    public KubernetesVolume? Volume { get; init; }
    /// <summary>ttlSecondsAfterFinished: Kubernetes removes a finished Job after that long. Null: the target deletes the Job itself as soon as it ended.</summary>
    public int? TtlSecondsAfterFinished { get; init; }
    /// <summary>A project's <c>templates/</c> folder whose <c>kubernetes/job.yaml.hbs</c> overrides the built-in manifest, or null.</summary>
    public string? TemplatesDirectory { get; init; }
    /// <summary>How long the pod's logs may take to reach their end after the Job ended.</summary>
    public TimeSpan LogDrainTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// How long past a job's timeout the target waits for Kubernetes to end the Job (activeDeadlineSeconds) before it
    /// deletes the Job itself and reports a timeout.
    /// </summary>
    public TimeSpan DeadlineGrace { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The options of a registered <c>kubernetes</c> target (checked with <see cref="ComputeKinds.Validate"/>, then each
    /// value against Kubernetes' rules): <c>pvc</c>, <c>pvc-mount</c> and <c>pvc-host-path</c> go together.
    /// </summary>
    public static KubernetesComputeOptions FromDefinition(ComputeTargetDefinition definition)
    {
        if (definition.Kind != "kubernetes")
            throw MlpException.Invalid($"Compute target '{definition.Name}' is of kind '{definition.Kind}', not 'kubernetes'.");
        var target = ComputeKinds.Validate(definition);
        var o = target.Options;
        string? Get(string name) => o.TryGetValue(name, out var v) ? v.Trim() : null;
        string Where(string option) => $"Option '{option}' of compute target '{target.Name}'";

        var ns = Get("namespace") ?? "default";
        if (!KubernetesNames.IsDnsLabel(ns))
            throw MlpException.Invalid($"{Where("namespace")} is '{ns}'; a namespace is a DNS-1123 label (lowercase letters, digits and '-', at most 63).");
        var serviceAccount = Get("service-account");
        if (serviceAccount is not null && !KubernetesNames.IsDnsSubdomain(serviceAccount))
            throw MlpException.Invalid($"{Where("service-account")} is '{serviceAccount}'; expected a DNS-1123 name (lowercase letters, digits, '-' and '.').");
        var secrets = List(Get("image-pull-secrets"));
        if (secrets.FirstOrDefault(s => !KubernetesNames.IsDnsSubdomain(s)) is { } badSecret)
            throw MlpException.Invalid($"{Where("image-pull-secrets")} names '{badSecret}'; a secret name is a DNS-1123 name (lowercase letters, digits, '-' and '.').");
        var selector = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in List(Get("node-selector")))
        {
            var eq = pair.IndexOf('=');
            selector[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }

        var pvc = Get("pvc");
        var mount = Get("pvc-mount");
        var host = Get("pvc-host-path");
        KubernetesVolume? volume = null;
        if (pvc is not null || mount is not null || host is not null)
        {
            var missing = new[] { ("pvc", pvc), ("pvc-mount", mount), ("pvc-host-path", host) }.Where(p => p.Item2 is null).Select(p => $"'{p.Item1}'").ToList();
            if (missing.Count > 0)
                throw MlpException.Invalid($"Compute target '{target.Name}' sets only part of its volume: {string.Join(" and ", missing)} missing; 'pvc', 'pvc-mount' and 'pvc-host-path' go together.");
            if (!KubernetesNames.IsDnsSubdomain(pvc))
                throw MlpException.Invalid($"{Where("pvc")} is '{pvc}'; a claim name is a DNS-1123 name (lowercase letters, digits, '-' and '.').");
            if (!mount!.StartsWith('/'))
                throw MlpException.Invalid($"{Where("pvc-mount")} is '{mount}'; expected an absolute path in the pod (e.g. '/mnt/mlp').");
            volume = new KubernetesVolume(pvc!, Normalize(mount), Path.GetFullPath(ExpandHome(host!)));
        }

        return new KubernetesComputeOptions(target.Name)
        {
            KubeconfigPath = Get("kubeconfig") is { } k ? Path.GetFullPath(ExpandHome(k)) : null,
            Context = Get("context"),
            Namespace = ns,
            ServiceAccount = serviceAccount,
            NodeSelector = selector,
            Tolerations = List(Get("tolerations")).Select(KubernetesToleration.Parse).ToList(),
            ImagePullSecrets = secrets,
            Volume = volume,
            TtlSecondsAfterFinished = Get("ttl-seconds") is { } ttl ? Seconds(ttl, Where("ttl-seconds")) : null,
        };
    }

    private static int Seconds(string value, string where) =>
        long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) is var n and <= int.MaxValue
            ? (int)n
            : throw MlpException.Invalid($"{where} is {value}; the most Kubernetes takes is {int.MaxValue}.");

    private static List<string> List(string? value) =>
        value is null ? [] : value.Split(',').Select(s => s.Trim()).Where(s => s.Length > 0).ToList();

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.Length > 2 ? path[2..] : "")
            : path;

    // A pod path: '/'-separated whatever the submitting machine's separator, no trailing '/'.
    private static string Normalize(string podPath) => podPath.Length > 1 ? podPath.TrimEnd('/') : podPath;
}
