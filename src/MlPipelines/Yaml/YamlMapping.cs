using MlPipelines.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlPipelines.Yaml;

/// <summary>
/// The top-level mapping of a small YAML file (Azure ML's compute and environment files), read with YamlDotNet's
/// representation model so every error names the file, the line and the field.
/// </summary>
public sealed class YamlMapping
{
    private const long MaxBytes = 1 << 20;
    private readonly Dictionary<string, YamlNode> _fields;

    private YamlMapping(string path, Dictionary<string, YamlNode> fields)
    {
        Path = path;
        _fields = fields;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>Field names in file order.</summary>
    public IReadOnlyCollection<string> Names => _fields.Keys;

    /// <summary>Reads <paramref name="path"/>; InvalidInput when it is missing, too large, not YAML or not one mapping.</summary>
    public static YamlMapping Read(string path, string what)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw MlpException.Invalid($"The {what} file '{path}' does not exist.");
        if (new FileInfo(full).Length > MaxBytes) throw MlpException.Invalid($"The {what} file '{path}' is larger than 1 MiB.");
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(full);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw MlpException.Invalid($"The {what} file '{path}' is not valid YAML (line {e.Start.Line}, column {e.Start.Column}): {e.InnerException?.Message ?? e.Message}");
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw MlpException.Invalid($"The {what} file '{path}' must hold one mapping of fields (name: value).");
        var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (key, value) in root.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? throw MlpException.Invalid($"{path}:{key.Start.Line}: field names must be plain text.");
            if (!fields.TryAdd(name, value)) throw MlpException.Invalid($"{path}:{key.Start.Line}: field '{name}' is given twice.");
        }
        return new YamlMapping(full, fields);
    }

    /// <summary>Fails naming every field not in <paramref name="supported"/> (and listing those that are).</summary>
    public void RefuseOthers(string what, IEnumerable<string> supported)
    {
        var known = supported.ToHashSet(StringComparer.Ordinal);
        var unsupported = _fields.Keys.Where(k => !known.Contains(k)).ToList();
        if (unsupported.Count > 0)
            throw MlpException.Invalid($"The {what} file '{Path}' has field{(unsupported.Count == 1 ? "" : "s")} this {what} does not support: " +
                $"{string.Join(", ", unsupported.Select(u => $"'{u}' (line {_fields[u].Start.Line})"))}; supported: {string.Join(", ", known.Order(StringComparer.Ordinal).Select(k => $"'{k}'"))}.");
    }

    /// <summary>The text of a scalar field, or null when absent; InvalidInput when it is a list or mapping.</summary>
    public string? Text(string name) => _fields.TryGetValue(name, out var node) ? Scalar(name, node) : null;

    /// <summary>A whole number field, or null when absent.</summary>
    public int? Integer(string name) => Text(name) is { } t
        ? int.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n
            : throw MlpException.Invalid($"{Path}:{_fields[name].Start.Line}: '{name}' is '{t}'; expected a whole number.")
        : null;

    /// <summary>A list of scalars (a YAML sequence, or one scalar), empty when absent.</summary>
    public IReadOnlyList<string> List(string name) => _fields.TryGetValue(name, out var node)
        ? node is YamlSequenceNode seq ? seq.Children.Select(c => Scalar(name, c)).ToList() : [Scalar(name, node)]
        : [];

    /// <summary>A field as one line of text: a scalar as is, a list joined with ',', a mapping as <c>k=v</c> pairs joined with ','; null when absent.</summary>
    public string? Flat(string name) => _fields.TryGetValue(name, out var node)
        ? node switch
        {
            YamlSequenceNode => string.Join(",", List(name)),
            YamlMappingNode => string.Join(",", Map(name).Select(kv => $"{kv.Key}={kv.Value}")),
            _ => Scalar(name, node),
        }
        : null;

    /// <summary>A mapping of scalars (e.g. <c>tags</c>, <c>properties</c>), empty when absent.</summary>
    public IReadOnlyDictionary<string, string> Map(string name)
    {
        if (!_fields.TryGetValue(name, out var node)) return new Dictionary<string, string>();
        if (node is not YamlMappingNode map) throw MlpException.Invalid($"{Path}:{node.Start.Line}: '{name}' must be a mapping (key: value).");
        return map.Children.ToDictionary(kv => Scalar(name, kv.Key), kv => Scalar($"{name}.{Scalar(name, kv.Key)}", kv.Value), StringComparer.Ordinal);
    }

    /// <summary>A nested mapping field, or null when absent.</summary>
    public YamlMappingNode? Mapping(string name) => _fields.TryGetValue(name, out var node)
        ? node as YamlMappingNode ?? throw MlpException.Invalid($"{Path}:{node.Start.Line}: '{name}' must be a mapping.")
        : null;

    private string Scalar(string name, YamlNode node) => node is YamlScalarNode s
        ? s.Value ?? ""
        : throw MlpException.Invalid($"{Path}:{node.Start.Line}: '{name}' must be a single value, not a {(node is YamlSequenceNode ? "list" : "mapping")}.");
}
