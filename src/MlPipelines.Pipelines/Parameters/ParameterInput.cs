using System.Globalization;
using System.Text.Json;

namespace MlPipelines.Pipelines.Parameters;

/// <summary>
/// Where parameter values come from. Precedence (highest first): <see cref="Assignments"/> (<c>--param name=value</c>),
/// <see cref="Environment"/> (<c>MLP_PARAM_NAME</c>, name upper-cased, with or without '_' between words), <see cref="File"/>
/// (a JSON object), then the property's default.
/// </summary>
public sealed record ParameterInput
{
    /// <summary><c>name=value</c> pairs.</summary>
    public IReadOnlyList<string> Assignments { get; init; } = [];
    /// <summary>Path of a JSON parameters file (<c>{"MinAccuracy": 0.95}</c>), or null.</summary>
    public string? File { get; init; }
    /// <summary>Environment variables to read <c>MLP_PARAM_*</c> from; null to ignore the environment.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>The process environment as a dictionary.</summary>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment()
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            if (e.Key is string k && e.Value is string v) d[k] = v;
        return d;
    }

    internal Dictionary<string, (string Value, string Source)> Collect(IReadOnlyList<ParameterDescriptor> declared, List<string> errors)
    {
        var values = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        string? Match(string name, string source)
        {
            var d = declared.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (d is not null) return d.Name;
            var available = declared.Count == 0 ? "the pipeline has no parameters" : "available: " + string.Join(", ", declared.Select(p => $"'{p.Name}'"));
            errors.Add($"Unknown parameter '{name}' ({source}); {available}.");
            return null;
        }

        if (File is not null) ReadFile(File, Match, values, errors);
        if (Environment is not null)
            foreach (var d in declared)
                foreach (var key in EnvironmentNames(d.Name))
                    if (Environment.TryGetValue(key, out var v)) { values[d.Name] = (v, key); break; }
        foreach (var a in Assignments)
        {
            var eq = a.IndexOf('=');
            if (eq <= 0) { errors.Add($"Invalid --param '{a}'; expected name=value."); continue; }
            if (Match(a[..eq].Trim(), "--param") is { } n) values[n] = (a[(eq + 1)..], "--param");
        }
        return values;
    }

    internal static IEnumerable<string> EnvironmentNames(string name)
    {
        yield return "MLP_PARAM_" + name.ToUpperInvariant();
        var snake = new System.Text.StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && char.IsLower(name[i - 1])) snake.Append('_');
            snake.Append(char.ToUpperInvariant(name[i]));
        }
        if (snake.ToString() != name.ToUpperInvariant()) yield return "MLP_PARAM_" + snake;
    }

    private static void ReadFile(string path, Func<string, string, string?> match, Dictionary<string, (string, string)> values, List<string> errors)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(System.IO.File.ReadAllText(path)); }
        catch (IOException e) { errors.Add($"Cannot read parameters file '{path}': {e.Message}"); return; }
        catch (JsonException e) { errors.Add($"Parameters file '{path}' is not valid JSON: {e.Message}"); return; }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) { errors.Add($"Parameters file '{path}' must hold a JSON object of name: value."); return; }
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (match(p.Name, $"file '{path}'") is not { } n) continue;
                var text = p.Value.ValueKind switch
                {
                    JsonValueKind.String => p.Value.GetString()!,
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Number => p.Value.GetRawText(),
                    _ => null,
                };
                if (text is null) errors.Add($"Parameter '{n}' in '{path}' must be a string, number or boolean, not {p.Value.ValueKind.ToString().ToLower(CultureInfo.InvariantCulture)}.");
                else values[n] = (text, $"file '{path}'");
            }
        }
    }
}
