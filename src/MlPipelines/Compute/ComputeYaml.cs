using MlPipelines.Core.Compute;
using MlPipelines.Yaml;

namespace MlPipelines.Compute;

/// <summary>
/// Compute target definitions from a YAML file shaped like Azure ML's compute YAML where the fields match
/// (<c>$schema</c>, <c>name</c>, <c>type</c>, <c>description</c>, <c>max_instances</c>), with the kind's options
/// as further top-level fields (<c>partition: gpu</c>, <c>staging: /shared/mlp</c>); any other field is an error.
/// </summary>
public static class ComputeYaml
{
    private static readonly string[] Common = ["$schema", "name", "type", "description", "max_instances", "max_concurrent"];

    /// <summary>Reads the file; <paramref name="name"/> (from the command line) wins over the file's <c>name</c>.</summary>
    public static ComputeTargetDefinition Read(string path, string? name = null)
    {
        var yaml = YamlMapping.Read(path, "compute");
        var kind = yaml.Text("type") ?? throw Core.Errors.MlpException.Invalid($"The compute file '{path}' has no 'type'; expected one of {string.Join(", ", ComputeKinds.All)}.");
        var options = ComputeKinds.Options.TryGetValue(kind, out var o) ? o.Select(x => x.Name.Replace('-', '_')).ToList() : [];
        yaml.RefuseOthers("compute", Common.Concat(options));
        var definition = new ComputeTargetDefinition
        {
            Name = name ?? yaml.Text("name") ?? throw Core.Errors.MlpException.Invalid($"The compute file '{path}' has no 'name' (or give NAME on the command line)."),
            Kind = kind,
            Description = yaml.Text("description"),
            MaxConcurrent = yaml.Integer("max_concurrent") ?? yaml.Integer("max_instances"),
            Options = options.Select(n => (Name: n, Value: yaml.Flat(n))).Where(x => x.Value is not null)
                .ToDictionary(x => x.Name, x => x.Value!, StringComparer.Ordinal),
        };
        return ComputeKinds.Validate(definition);
    }
}
