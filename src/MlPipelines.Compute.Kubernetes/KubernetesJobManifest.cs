using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using HandlebarsDotNet;
using MlPipelines.Rendering;

namespace MlPipelines.Compute.Kubernetes;

/// <summary>
/// Renders a batch/v1 Job from <c>kubernetes/job.yaml.hbs</c> of the <see cref="TemplateSource"/> (a project's
/// <c>templates/</c> folder overrides the built-in file). Pure: data in, YAML out, deterministic. Every string is written
/// as a double-quoted YAML scalar (the template's <c>{{q …}}</c> helper), so no value can change the document's shape.
/// </summary>
public static class KubernetesJobManifest
{
    /// <summary>The template's path under <c>templates/</c>.</summary>
    public const string TemplatePath = "kubernetes/job.yaml.hbs";

    /// <summary>The name of the job's single container (the pod failure policy and the log reader refer to it).</summary>
    public const string ContainerName = "main";

    /// <summary>The label every Job and pod of the target carries with the Job's name; the target finds its pods by it.</summary>
    public const string JobLabel = "mlpipelines.io/job";

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly IHandlebars Engine = CreateEngine();

    /// <summary>The manifest's YAML.</summary>
    public static string Render(KubernetesJobManifestRequest request, string? templatesDirectory = null)
    {
        if (!KubernetesNames.IsDnsLabel(request.Name)) throw new ArgumentException($"'{request.Name}' is not a DNS-1123 label.", nameof(request));
        if (request.Command.Count == 0) throw new ArgumentException("A Job needs a command.", nameof(request));
        foreach (var key in request.Environment.Keys)
            if (!IsVariableName(key)) throw new ArgumentException($"'{key}' is not a valid environment variable name.", nameof(request));
        var template = Engine.Compile(new TemplateSource(templatesDirectory).Load(TemplatePath).Text);
        return template(Data(request));
    }

    private static Dictionary<string, object?> Data(KubernetesJobManifestRequest r)
    {
        var labels = new List<Dictionary<string, string>>
        {
            Pair("app.kubernetes.io/managed-by", "mlpipelines"),
            Pair("mlpipelines.io/compute-target", KubernetesNames.ToLabelValue(r.Target)),
            Pair(JobLabel, r.Name),
        };
        if (KubernetesNames.ToLabelValue(r.RunId) is { Length: > 0 } runLabel) labels.Add(Pair("mlpipelines.io/run-id", runLabel));
        var resources = new List<Dictionary<string, string>>();
        if (r.Resources.Cpus is { } cpus) resources.Add(Pair("cpu", cpus.ToString(CultureInfo.InvariantCulture)));
        if (r.Resources.MemoryMb is { } mem) resources.Add(Pair("memory", mem.ToString(CultureInfo.InvariantCulture) + "Mi"));
        if (r.Resources.Gpus is { } gpus and > 0) resources.Add(Pair("nvidia.com/gpu", gpus.ToString(CultureInfo.InvariantCulture)));
        return new Dictionary<string, object?>
        {
            ["name"] = r.Name,
            ["namespace"] = r.Namespace,
            ["runId"] = r.RunId,
            ["labels"] = labels,
            ["backoffLimit"] = r.BackoffLimit,
            ["activeDeadlineSeconds"] = r.ActiveDeadlineSeconds,
            ["ttlSecondsAfterFinished"] = r.TtlSecondsAfterFinished,
            ["terminationGracePeriodSeconds"] = r.TerminationGracePeriodSeconds,
            ["serviceAccountName"] = r.ServiceAccount,
            ["nodeSelector"] = r.NodeSelector.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Pair(p.Key, p.Value)).ToList(),
            ["tolerations"] = r.Tolerations.Select(t => new Dictionary<string, string?>
            {
                ["key"] = t.Key, ["operator"] = t.Operator, ["value"] = t.Value, ["effect"] = t.Effect,
            }).ToList(),
            ["imagePullSecrets"] = r.ImagePullSecrets.ToList(),
            ["image"] = r.Image,
            ["command"] = r.Command.ToList(),
            ["args"] = r.Args.ToList(),
            ["workingDir"] = r.WorkingDir,
            ["env"] = r.Environment.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Pair(p.Key, p.Value)).ToList(),
            ["resources"] = resources,
            ["volume"] = r.Volume is { } v ? new Dictionary<string, string> { ["claimName"] = v.ClaimName, ["mountPath"] = v.MountPath } : null,
        };
    }

    private static Dictionary<string, string> Pair(string key, string value) => new() { ["key"] = key, ["value"] = value };

    private static IHandlebars CreateEngine()
    {
        var hb = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true });
        // A JSON string is a valid YAML double-quoted scalar: quotes, backslashes, line breaks and control characters are escaped.
        hb.RegisterHelper("q", (writer, _, arguments) => writer.WriteSafeString(JsonSerializer.Serialize(arguments.Length > 0 ? arguments[0]?.ToString() ?? "" : "", Json)));
        return hb;
    }

    private static bool IsVariableName(string s) =>
        s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_') && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
