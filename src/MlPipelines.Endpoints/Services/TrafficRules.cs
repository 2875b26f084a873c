using System.Globalization;
using MlPipelines.Core.Errors;

namespace MlPipelines.Endpoints.Services;

/// <summary>Parses and validates traffic and mirror maps (Azure ML rules).</summary>
public static class TrafficRules
{
    /// <summary>Maximum total mirror percentage.</summary>
    public const int MaxMirrorTotal = 50;

    /// <summary>Parses <c>blue=90 green=10</c> (also comma-separated) into a map.</summary>
    public static Dictionary<string, int> Parse(IEnumerable<string> items, string what = "traffic")
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in items.SelectMany(i => i.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var eq = item.IndexOf('=');
            if (eq <= 0 || !int.TryParse(item[(eq + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var pct))
                throw MlpException.Invalid($"Invalid {what} entry '{item}': expected DEPLOYMENT=PERCENT, e.g. 'blue=90'.");
            var name = item[..eq];
            if (!map.TryAdd(name, pct)) throw MlpException.Invalid($"Deployment '{name}' appears twice in the {what}.");
        }
        return map;
    }

    /// <summary>Checks names exist, percentages are 0–100, traffic sums to 100 or is all 0, mirror totals ≤ 50 and
    /// targets only deployments without live traffic. All problems are reported at once.</summary>
    public static void Validate(string endpoint, IReadOnlyDictionary<string, int> traffic, IReadOnlyDictionary<string, int> mirror, IReadOnlyCollection<string> deployments)
    {
        var errors = new List<string>();
        var known = deployments.Count == 0 ? "it has no deployments" : "deployments: " + string.Join(", ", deployments.Order(StringComparer.Ordinal).Select(d => $"'{d}'"));
        foreach (var (name, pct) in traffic.Concat(mirror))
        {
            if (!deployments.Contains(name)) errors.Add($"Unknown deployment '{name}' of endpoint '{endpoint}'; {known}.");
            if (pct is < 0 or > 100) errors.Add($"Percentage {pct} for '{name}' is outside 0–100.");
        }
        var sum = traffic.Values.Sum();
        if (sum != 100 && traffic.Values.Any(v => v != 0))
            errors.Add($"Traffic of endpoint '{endpoint}' sums to {sum}; it must sum to 100 (or be all 0).");
        var mirrorSum = mirror.Values.Sum();
        if (mirrorSum > MaxMirrorTotal) errors.Add($"Mirror traffic sums to {mirrorSum}%; at most {MaxMirrorTotal}% may be mirrored.");
        foreach (var (name, pct) in mirror)
            if (pct > 0 && traffic.TryGetValue(name, out var live) && live > 0)
                errors.Add($"Deployment '{name}' gets {live}% live traffic and cannot also receive mirror traffic.");
        if (errors.Count > 0) throw MlpException.Invalid($"Invalid traffic for endpoint '{endpoint}':", errors);
    }

    /// <summary>Formats a map as <c>blue=90 green=10</c> (sorted by name).</summary>
    public static string Format(IReadOnlyDictionary<string, int> map) =>
        map.Count == 0 ? "(none)" : string.Join(' ', map.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value}"));
}
