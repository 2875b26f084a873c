using HandlebarsDotNet;
using MlPipelines.Core.Endpoints;
using MlPipelines.Rendering;

namespace MlPipelines.Endpoints.Targets;

/// <summary>Settings of the Kubernetes target.</summary>
public sealed record KubernetesOptions
{
    /// <summary>Namespace of all resources.</summary>
    public string Namespace { get; init; } = "default";
    /// <summary>Gateway the HTTPRoute attaches to.</summary>
    public string Gateway { get; init; } = "mlp-gateway";
    /// <summary>Folder for the manifests; null: <c>endpoints/ENDPOINT/kubernetes</c> in the workspace scratch folder.</summary>
    public string? OutputDirectory { get; init; }
    /// <summary>Image used when a deployment names none: <c>{model}</c> and <c>{version}</c> are replaced.</summary>
    public string DefaultImage { get; init; } = "localhost:5000/mlp-scoring/{model}:{version}";
    /// <summary>A project's <c>templates/</c> folder whose <c>kubernetes/*.hbs</c> override the built-in manifests, or null.</summary>
    public string? TemplatesDirectory { get; init; }
}

/// <summary>
/// Renders an endpoint's Kubernetes manifests from <c>kubernetes/*.hbs</c> of the <see cref="TemplateSource"/> (a
/// project's <c>templates/</c> folder overrides the built-in files, as for scoring images): per deployment a Deployment and
/// a Service, and one Gateway API HTTPRoute with weighted backendRefs (traffic), header matches (pinning) and
/// RequestMirror filters (mirror), and for key-auth endpoints a Secret with the keys that the pods read as
/// <c>MLP_SERVE_KEYS</c>. Pure: text in, text out, deterministic.
/// </summary>
public static class KubernetesManifests
{
    private static readonly IHandlebars Engine = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true });

    /// <summary>File of the endpoint's key Secret (written only for key-auth endpoints).</summary>
    public const string SecretFile = "keys.secret.yaml";

    /// <summary>File of the endpoint's HTTPRoute.</summary>
    public const string RouteFile = "httproute.yaml";

    /// <summary>File name → YAML text for the endpoint and its Kubernetes deployments.</summary>
    public static IReadOnlyDictionary<string, string> Render(EndpointRecord endpoint, IReadOnlyList<DeploymentRecord> deployments, KubernetesOptions options)
    {
        var templates = new TemplateSource(options.TemplatesDirectory);
        HandlebarsTemplate<object, object> Template(string name) => Engine.Compile(templates.Load("kubernetes/" + name).Text);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var ordered = deployments.OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
        var secretName = endpoint.AuthMode == "key" ? ResourceName(endpoint.Name, "keys") : "";
        if (secretName.Length > 0)
            files[SecretFile] = Template("secret.yaml.hbs")(new Dictionary<string, object>
            {
                ["endpoint"] = endpoint.Name, ["namespace"] = options.Namespace, ["secretName"] = secretName,
                ["keys"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{endpoint.PrimaryKey},{endpoint.SecondaryKey}")),
            });
        var deploymentTemplate = Template("deployment.yaml.hbs");
        var serviceTemplate = Template("service.yaml.hbs");
        foreach (var d in ordered)
        {
            var model = new Dictionary<string, object>
            {
                ["resourceName"] = ResourceName(endpoint.Name, d.Name), ["namespace"] = options.Namespace, ["endpoint"] = endpoint.Name,
                ["deployment"] = d.Name, ["replicas"] = d.InstanceCount, ["model"] = d.Model, ["modelVersion"] = d.ModelVersion,
                ["image"] = d.Image ?? options.DefaultImage.Replace("{model}", d.Model).Replace("{version}", d.ModelVersion.ToString()),
                ["timeoutMs"] = d.RequestTimeoutMs, ["maxConcurrency"] = d.MaxConcurrentRequests, ["keysSecret"] = secretName,
            };
            files[$"{d.Name}.deployment.yaml"] = deploymentTemplate(model);
            files[$"{d.Name}.service.yaml"] = serviceTemplate(model);
        }
        var route = new Dictionary<string, object>
        {
            ["endpoint"] = endpoint.Name, ["namespace"] = options.Namespace, ["gateway"] = options.Gateway,
            ["pinned"] = ordered.Select(d => new Dictionary<string, object> { ["deployment"] = d.Name, ["resourceName"] = ResourceName(endpoint.Name, d.Name) }).ToList(),
            ["weighted"] = ordered.Select(d => new Dictionary<string, object>
            {
                ["resourceName"] = ResourceName(endpoint.Name, d.Name), ["weight"] = endpoint.Traffic.GetValueOrDefault(d.Name),
            }).ToList(),
            ["mirrors"] = ordered.Where(d => endpoint.Mirror.GetValueOrDefault(d.Name) > 0).Select(d => new Dictionary<string, object>
            {
                ["resourceName"] = ResourceName(endpoint.Name, d.Name), ["percent"] = endpoint.Mirror[d.Name],
            }).ToList(),
        };
        files[RouteFile] = Template("httproute.yaml.hbs")(route);
        return files;
    }

    /// <summary>Kubernetes object name of a deployment: lowercase DNS label <c>endpoint-deployment</c>.</summary>
    public static string ResourceName(string endpoint, string deployment)
    {
        var raw = $"{endpoint}-{deployment}".ToLowerInvariant().Replace('_', '-').Replace('.', '-');
        return raw.Length <= 63 ? raw : raw[..63].TrimEnd('-');
    }
}
