using HandlebarsDotNet;
using MlPipelines.Core.Endpoints;

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
}

/// <summary>
/// Renders an endpoint's Kubernetes manifests from <c>templates/kubernetes/*.hbs</c>: per deployment a Deployment and
/// a Service, and one Gateway API HTTPRoute with weighted backendRefs (traffic), header matches (pinning) and
/// RequestMirror filters (mirror), and for key-auth endpoints a Secret with the keys that the pods read as
/// <c>MLP_SERVE_KEYS</c>. Pure: text in, text out, deterministic.
/// </summary>
public static class KubernetesManifests
{
    private static readonly IHandlebars Engine = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true });
    private static readonly Lazy<HandlebarsTemplate<object, object>> DeploymentTemplate = new(() => Compile("deployment.yaml.hbs"));
    private static readonly Lazy<HandlebarsTemplate<object, object>> ServiceTemplate = new(() => Compile("service.yaml.hbs"));
    private static readonly Lazy<HandlebarsTemplate<object, object>> RouteTemplate = new(() => Compile("httproute.yaml.hbs"));
    private static readonly Lazy<HandlebarsTemplate<object, object>> SecretTemplate = new(() => Compile("secret.yaml.hbs"));

    /// <summary>File of the endpoint's key Secret (written only for key-auth endpoints).</summary>
    public const string SecretFile = "keys.secret.yaml";

    /// <summary>File of the endpoint's HTTPRoute.</summary>
    public const string RouteFile = "httproute.yaml";

    /// <summary>File name → YAML text for the endpoint and its Kubernetes deployments.</summary>
    public static IReadOnlyDictionary<string, string> Render(EndpointRecord endpoint, IReadOnlyList<DeploymentRecord> deployments, KubernetesOptions options)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var ordered = deployments.OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
        var secretName = endpoint.AuthMode == "key" ? ResourceName(endpoint.Name, "keys") : "";
        if (secretName.Length > 0)
            files[SecretFile] = SecretTemplate.Value(new Dictionary<string, object>
            {
                ["endpoint"] = endpoint.Name, ["namespace"] = options.Namespace, ["secretName"] = secretName,
                ["keys"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{endpoint.PrimaryKey},{endpoint.SecondaryKey}")),
            });
        foreach (var d in ordered)
        {
            var model = new Dictionary<string, object>
            {
                ["resourceName"] = ResourceName(endpoint.Name, d.Name), ["namespace"] = options.Namespace, ["endpoint"] = endpoint.Name,
                ["deployment"] = d.Name, ["replicas"] = d.InstanceCount, ["model"] = d.Model, ["modelVersion"] = d.ModelVersion,
                ["image"] = d.Image ?? options.DefaultImage.Replace("{model}", d.Model).Replace("{version}", d.ModelVersion.ToString()),
                ["timeoutMs"] = d.RequestTimeoutMs, ["maxConcurrency"] = d.MaxConcurrentRequests, ["keysSecret"] = secretName,
            };
            files[$"{d.Name}.deployment.yaml"] = DeploymentTemplate.Value(model);
            files[$"{d.Name}.service.yaml"] = ServiceTemplate.Value(model);
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
        files[RouteFile] = RouteTemplate.Value(route);
        return files;
    }

    /// <summary>Kubernetes object name of a deployment: lowercase DNS label <c>endpoint-deployment</c>.</summary>
    public static string ResourceName(string endpoint, string deployment)
    {
        var raw = $"{endpoint}-{deployment}".ToLowerInvariant().Replace('_', '-').Replace('.', '-');
        return raw.Length <= 63 ? raw : raw[..63].TrimEnd('-');
    }

    private static HandlebarsTemplate<object, object> Compile(string name)
    {
        using var stream = typeof(KubernetesManifests).Assembly.GetManifestResourceStream("kubernetes/" + name)
            ?? throw new InvalidOperationException($"Template 'kubernetes/{name}' is not embedded.");
        using var reader = new StreamReader(stream);
        return Engine.Compile(reader.ReadToEnd());
    }
}
