using System.Globalization;
using System.Text.RegularExpressions;
using MlPipelines.Core.Runs;
using MlPipelines.Mlflow.Protocol;

namespace MlPipelines.Mlflow.Search;

/// <summary>
/// MLflow's experiment search filter: comparisons joined by <c>AND</c> of <c>name</c> (<c>=</c>, <c>!=</c>, <c>LIKE</c>,
/// <c>ILIKE</c>), <c>creation_time</c> and <c>last_update_time</c> (numbers, <c>=</c> <c>!=</c> <c>&lt;</c> <c>&lt;=</c>
/// <c>&gt;</c> <c>&gt;=</c>) and <c>tags.KEY</c> (strings; an experiment without the tag never matches). Keys may be
/// quoted with backticks or double quotes.
/// </summary>
public static class MlflowExperimentFilter
{
    private static readonly Regex Clause = new(
        @"^\s*(?:(?<entity>attribute|attributes|attr|tag|tags)\.)?(?<key>`[^`]+`|""[^""]+""|[\w.]+)\s*(?<op>=|!=|<>|<=|>=|<|>|\bLIKE\b|\bILIKE\b)\s*(?:'(?<s>[^']*)'|""(?<d>[^""]*)""|(?<n>-?\d+))\s*$",
        RegexOptions.IgnoreCase);

    /// <summary>The test an experiment must pass; every experiment passes an empty filter.</summary>
    public static Func<Experiment, bool> Parse(string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter)) return _ => true;
        var tests = new List<Func<Experiment, bool>>();
        foreach (var clause in Regex.Split(filter, @"\s+AND\s+", RegexOptions.IgnoreCase))
        {
            var m = Clause.Match(clause);
            if (!m.Success)
                throw Invalid(filter, $"'{clause.Trim()}' is not a comparison such as name = 'churn', name LIKE 'team-%', tags.owner = 'ana' or creation_time > 1700000000000");
            var entity = m.Groups["entity"].Value.ToLowerInvariant();
            var key = m.Groups["key"].Value.Trim('`', '"');
            var op = m.Groups["op"].Value.ToUpperInvariant();
            var text = m.Groups["s"].Success ? m.Groups["s"].Value : m.Groups["d"].Success ? m.Groups["d"].Value : null;
            var number = m.Groups["n"].Success ? long.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture) : (long?)null;
            if (entity is "tag" or "tags")
            {
                var test = Text(filter, $"tags.{key}", op, text);
                tests.Add(e => e.Tags.TryGetValue(key, out var v) && test(v));
                continue;
            }
            switch (key.ToLowerInvariant())
            {
                case "name":
                    var byName = Text(filter, "name", op, text);
                    tests.Add(e => byName(e.Name));
                    break;
                case "creation_time" or "last_update_time":
                    if (number is null) throw Invalid(filter, $"'{key}' is compared with a number of milliseconds since 1970");
                    var time = Number(filter, key, op, number.Value);
                    tests.Add(key.Equals("creation_time", StringComparison.OrdinalIgnoreCase)
                        ? e => time(e.CreatedAt.ToUnixTimeMilliseconds())
                        : e => time(LastUpdate(e)));
                    break;
                default:
                    throw Invalid(filter, $"invalid attribute key '{key}'; valid keys are name, creation_time, last_update_time (and tags.KEY)");
            }
        }
        return e => tests.All(t => t(e));
    }

    /// <summary>When an experiment last changed as MLflow shows it: its newest run, or its deletion.</summary>
    public static long LastUpdate(Experiment e) =>
        new[] { e.LastRunAt ?? e.CreatedAt, e.DeletedAt ?? e.CreatedAt }.Max().ToUnixTimeMilliseconds();

    private static Func<string, bool> Text(string filter, string field, string op, string? value)
    {
        if (value is null) throw Invalid(filter, $"'{field}' is compared with a 'quoted string'");
        return op switch
        {
            "=" => v => v == value,
            "!=" or "<>" => v => v != value,
            "LIKE" => Like(value, ignoreCase: false),
            "ILIKE" => Like(value, ignoreCase: true),
            _ => throw Invalid(filter, $"'{field}' supports =, !=, LIKE and ILIKE, not '{op}'"),
        };
    }

    private static Func<long, bool> Number(string filter, string field, string op, long value) => op switch
    {
        "=" => v => v == value,
        "!=" or "<>" => v => v != value,
        "<" => v => v < value,
        "<=" => v => v <= value,
        ">" => v => v > value,
        ">=" => v => v >= value,
        _ => throw Invalid(filter, $"'{field}' supports =, !=, <, <=, > and >=, not '{op}'"),
    };

    private static Func<string, bool> Like(string pattern, bool ignoreCase)
    {
        var regex = new Regex("^" + Regex.Escape(pattern).Replace("%", ".*").Replace("_", ".") + "$",
            (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.Singleline);
        return regex.IsMatch;
    }

    private static MlflowException Invalid(string filter, string why) => MlflowException.Invalid($"Invalid experiment filter '{filter}': {why}.");
}
