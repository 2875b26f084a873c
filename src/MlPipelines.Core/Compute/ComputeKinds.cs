using System.Globalization;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;

namespace MlPipelines.Core.Compute;

/// <summary>One option a compute kind takes.</summary>
/// <param name="Name">The option's name, e.g. <c>partition</c> (YAML files may spell '-' as '_').</param>
/// <param name="Type">What its value is: <c>text</c>, <c>integer</c>, <c>seconds</c>, <c>path</c>, <c>list</c> (comma-separated), <c>map</c> (k=v,…), <c>bool</c>.</param>
/// <param name="Description">What it does.</param>
/// <param name="Required">The kind cannot work without it.</param>
public sealed record ComputeOption(string Name, string Type, string Description, bool Required = false);

/// <summary>
/// The compute kinds a workspace can register and the options each takes: pure data, so the workspace server, the CLI
/// and the runner check definitions the same way without knowing Docker, Slurm or Kubernetes.
/// </summary>
public static class ComputeKinds
{
    /// <summary>The built-in process target every workspace has without registering it.</summary>
    public const string BuiltInLocal = "local";

    /// <summary>Options by kind.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<ComputeOption>> Options { get; } = new SortedDictionary<string, IReadOnlyList<ComputeOption>>(StringComparer.Ordinal)
    {
        ["local"] = [],
        ["docker"] =
        [
            new("docker-host", "text", "Engine address (unix:///var/run/docker.sock, tcp://host:2375); default DOCKER_HOST or the local socket."),
            new("network", "text", "Container network mode; default 'host', so steps reach the loopback workspace and MLflow host."),
            new("cpus", "integer", "Default CPU limit of a job that asks for none."),
            new("memory-mb", "integer", "Default memory limit (MiB) of a job that asks for none."),
            new("user", "text", "uid:gid the container runs as; default the caller's, so outputs belong to the user."),
            new("mounts", "list", "Extra host paths mounted read-only at the same path."),
        ],
        ["slurm"] =
        [
            new("partition", "text", "sbatch --partition."),
            new("account", "text", "sbatch --account."),
            new("qos", "text", "sbatch --qos."),
            new("staging", "path", "Folder the submitting machine and every node see at the same path: each job's script, logs and exit-code file, and a copy of its working folder unless that is under shared-roots.", Required: true),
            new("shared-roots", "list", "Folders the nodes already see at the same path; work under them is not copied."),
            new("sbatch", "list", "Extra #SBATCH lines, e.g. '--constraint=a100,--exclusive'."),
            new("poll-seconds", "seconds", "How often one squeue/sacct call polls every job; default 2."),
            new("keep-staging", "bool", "Keep the staged job folder after the job (for debugging)."),
        ],
        ["kubernetes"] =
        [
            new("kubeconfig", "path", "kubeconfig file; default KUBECONFIG or ~/.kube/config."),
            new("context", "text", "kubeconfig context; default the current one."),
            new("namespace", "text", "Namespace of the Jobs; default 'default'."),
            new("service-account", "text", "serviceAccountName of the pods."),
            new("node-selector", "map", "nodeSelector, e.g. 'gpu=a100,zone=b'."),
            new("tolerations", "list", "Tolerations as key=value:effect or key:effect."),
            new("image-pull-secrets", "list", "Secrets used to pull the environment image."),
            new("pvc", "text", "PersistentVolumeClaim mounted in every pod for the working folder and outputs."),
            new("pvc-mount", "path", "Where the claim is mounted in the pod."),
            new("pvc-host-path", "path", "Where the submitting machine sees the same volume."),
            new("ttl-seconds", "seconds", "ttlSecondsAfterFinished of the Jobs."),
        ],
    };

    /// <summary>The kinds, sorted.</summary>
    public static IReadOnlyList<string> All => Options.Keys.ToList();

    /// <summary>
    /// Checks a definition: a valid name other than <c>local</c>, a known kind, known options with values of their type,
    /// a positive max-concurrent. Returns it with options keyed by their canonical names.
    /// </summary>
    public static ComputeTargetDefinition Validate(ComputeTargetDefinition target)
    {
        Names.Validate("compute target", target.Name);
        if (target.Name == BuiltInLocal) throw MlpException.Conflict("'local' is the built-in process target; give the registered target another name.");
        if (!Options.TryGetValue(target.Kind ?? "", out var known))
            throw MlpException.Invalid($"Unknown compute kind '{target.Kind}'; expected one of {Quoted(All)}.");
        if (target.MaxConcurrent is < 1) throw MlpException.Invalid($"max-concurrent of compute target '{target.Name}' must be 1 or more; got {target.MaxConcurrent}.");
        if (target.Description is { Length: > 1000 }) throw MlpException.Invalid($"The description of compute target '{target.Name}' has {target.Description.Length} characters; the limit is 1000.");
        var options = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (var (rawName, value) in target.Options)
        {
            var name = rawName.Replace('_', '-');
            var option = known.FirstOrDefault(o => o.Name == name);
            if (option is null) { unknown.Add(rawName); continue; }
            CheckValue(target, option, value);
            options[name] = value;
        }
        if (unknown.Count > 0)
            throw MlpException.Invalid($"Compute kind '{target.Kind}' has no option {Quoted(unknown)}; its options are {(known.Count == 0 ? "none" : Quoted(known.Select(o => o.Name)))}.");
        var missing = known.Where(o => o.Required && !options.ContainsKey(o.Name)).Select(o => o.Name).ToList();
        if (missing.Count > 0)
            throw MlpException.Invalid($"Compute target '{target.Name}' of kind '{target.Kind}' needs option {Quoted(missing)} ({string.Join(" ", known.Where(o => missing.Contains(o.Name)).Select(o => o.Description))}).");
        return target with { Options = options };
    }

    private static void CheckValue(ComputeTargetDefinition target, ComputeOption option, string value)
    {
        var where = $"Option '{option.Name}' of compute target '{target.Name}'";
        if (string.IsNullOrWhiteSpace(value)) throw MlpException.Invalid($"{where} is empty.");
        if (value.Length > 4096) throw MlpException.Invalid($"{where} has {value.Length} characters; the limit is 4096.");
        if (value.Any(c => char.IsControl(c))) throw MlpException.Invalid($"{where} contains a control character (a line break?); values are one line.");
        var ok = option.Type switch
        {
            "integer" or "seconds" => long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0,
            "bool" => value is "true" or "false",
            "map" => value.Split(',').All(p => p.Split('=') is [{ Length: > 0 }, _]),
            "path" => Path.IsPathRooted(value) || value.StartsWith('~'),
            _ => true,
        };
        if (!ok)
            throw MlpException.Invalid($"{where} is '{value}'; expected {option.Type switch
            {
                "integer" or "seconds" => "a positive whole number",
                "bool" => "true or false",
                "map" => "key=value pairs separated by ','",
                "path" => "an absolute path",
                _ => option.Type,
            }}.");
    }

    private static string Quoted(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
