using System.Globalization;
using System.Reflection;
using MlPipelines.Pipelines.Plan;

namespace MlPipelines.Pipelines.Parameters;

/// <summary>A parameter property of a pipeline, found by its <see cref="ParameterAttribute"/>.</summary>
internal sealed record ParameterDescriptor(string Name, string TypeName, Type ClrType, string Description, string Default, PropertyInfo Property)
{
    public IReadOnlyList<string>? Allowed => ClrType.IsEnum ? Enum.GetNames(ClrType) : null;
}

/// <summary>
/// Finds <c>[Parameter]</c> properties, parses text values into their types and assigns them. This is the one place
/// that uses reflection: parameters are ordinary properties so definitions can read them directly.
/// </summary>
internal static class ParameterBinder
{
    internal static IReadOnlyList<ParameterDescriptor> Describe(Pipeline pipeline, List<string> errors)
    {
        var result = new List<ParameterDescriptor>();
        foreach (var prop in pipeline.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (prop.GetCustomAttribute<ParameterAttribute>() is not { } attr) continue;
            var type = prop.PropertyType;
            var typeName = TypeName(type);
            if (typeName is null)
            {
                errors.Add($"Parameter '{prop.Name}' has unsupported type '{type.Name}'; expected string, int, long, double, bool or an enum.");
                continue;
            }
            if (!prop.CanWrite)
            {
                errors.Add($"Parameter '{prop.Name}' has no setter; declare it as '{{ get; init; }}' or '{{ get; set; }}'.");
                continue;
            }
            result.Add(new ParameterDescriptor(prop.Name, typeName, type, attr.Description, Format(prop.GetValue(pipeline)), prop));
        }
        return result;
    }

    internal static IReadOnlyList<PlanParameter> ToPlan(IEnumerable<ParameterDescriptor> descriptors, Pipeline boundPipeline) =>
        descriptors.Select(d => new PlanParameter(d.Name, d.TypeName, d.Description, d.Default, Format(d.Property.GetValue(boundPipeline))) { Allowed = d.Allowed }).ToList();

    internal static bool TryParse(ParameterDescriptor d, string text, out object? value, out string expected)
    {
        var t = d.ClrType;
        value = null;
        expected = d.TypeName switch
        {
            "int" => "a whole number (int)",
            "long" => "a whole number (long)",
            "double" => "a number (double, '.' as decimal separator)",
            "bool" => "true or false",
            "enum" => "one of " + string.Join(", ", Enum.GetNames(t).Select(n => $"'{n}'")),
            _ => "text",
        };
        switch (d.TypeName)
        {
            case "string": value = text; return true;
            case "int" when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i): value = i; return true;
            case "long" when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l): value = l; return true;
            case "double" when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var dbl): value = dbl; return true;
            case "bool" when bool.TryParse(text, out var b): value = b; return true;
            case "enum":
                var name = Enum.GetNames(t).FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
                if (name is null) return false;
                value = Enum.Parse(t, name);
                return true;
            default: return false;
        }
    }

    internal static void Assign(ParameterDescriptor d, Pipeline pipeline, object? value) => d.Property.SetValue(pipeline, value);

    internal static string Format(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string? TypeName(Type t) =>
        t == typeof(string) ? "string" : t == typeof(int) ? "int" : t == typeof(long) ? "long" : t == typeof(double) ? "double"
        : t == typeof(bool) ? "bool" : t.IsEnum ? "enum" : null;
}
