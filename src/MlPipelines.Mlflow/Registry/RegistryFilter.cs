using System.Globalization;
using System.Text.RegularExpressions;
using MlPipelines.Mlflow.Protocol;
using MlPipelines.Mlflow.Search;

namespace MlPipelines.Mlflow.Registry;

/// <summary>One comparison of a registry search filter: an attribute (<c>name</c>) or a tag (<c>tags.key</c>) against values.</summary>
internal sealed record RegistryCondition(bool IsTag, string Key, string Op, IReadOnlyList<string> Values)
{
    /// <summary>Whether a value (null: the attribute or tag is absent) satisfies the comparison.</summary>
    public bool Matches(string? actual)
    {
        if (actual is null) return Op is "!=" or "NOT IN" && !IsTag;
        return Op switch
        {
            "=" => actual == Values[0],
            "!=" => actual != Values[0],
            "LIKE" => Like(Values[0], false).IsMatch(actual),
            "ILIKE" => Like(Values[0], true).IsMatch(actual),
            "IN" => Values.Contains(actual),
            "NOT IN" => !Values.Contains(actual),
            _ => Compare(actual, Values[0]) is { } c && Op switch { "<" => c < 0, "<=" => c <= 0, ">" => c > 0, _ => c >= 0 },
        };
    }

    private static int? Compare(string actual, string value) =>
        long.TryParse(actual, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var a)
        && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var b) ? a.CompareTo(b) : null;

    private static Regex Like(string pattern, bool ignoreCase) =>
        new("^" + Regex.Escape(pattern).Replace("%", ".*").Replace("_", ".") + "$", (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.Singleline);
}

/// <summary>
/// MLflow's registry search filters: comparisons joined by AND, e.g. <c>name LIKE 'churn%' AND tags.team = 'risk'</c>.
/// Each search says which attributes it knows and which operators each takes.
/// </summary>
internal static class RegistryFilter
{
    /// <summary>The comparisons of <paramref name="filter"/> (none when empty); INVALID_PARAMETER_VALUE names what is wrong.</summary>
    /// <param name="filter">The filter as sent.</param>
    /// <param name="attributes">Attribute name → the operators it takes (e.g. name → =, !=, LIKE, ILIKE).</param>
    /// <param name="tagOps">The operators a tag takes, empty when tags cannot be filtered on.</param>
    public static List<RegistryCondition> Parse(string? filter, IReadOnlyDictionary<string, string[]> attributes, string[] tagOps)
    {
        var result = new List<RegistryCondition>();
        if (string.IsNullOrWhiteSpace(filter)) return result;
        var tokens = MlflowFilterTokenizer.Tokenize(filter);
        var i = 0;
        while (true)
        {
            var key = tokens[i++];
            if (key.Kind != MlflowTokenKind.Identifier) throw Error(filter, $"expected an attribute or tags.KEY, found '{Text(key)}'");
            var entity = key.Text.ToLowerInvariant();
            var isTag = entity is "tags" or "tag";
            var name = isTag ? key.Key! : entity is "" or "attribute" or "attributes" or "attr" ? key.Key!.ToLowerInvariant() : null;
            var ops = isTag ? tagOps : name is not null && attributes.TryGetValue(name, out var known) ? known : null;
            if (ops is null || ops.Length == 0)
                throw Error(filter, $"'{Text(key)}' cannot be searched on; expected {string.Join(", ", attributes.Keys.Select(a => $"'{a}'"))}{(tagOps.Length > 0 ? " or tags.KEY" : "")}");
            var op = ReadOperator(tokens, ref i, filter);
            if (!ops.Contains(op)) throw Error(filter, $"'{Text(key)}' takes {string.Join(", ", ops)}, not {op}");
            var values = new List<string>();
            if (op is "IN" or "NOT IN")
            {
                if (tokens[i++].Kind != MlflowTokenKind.LParen) throw Error(filter, $"expected '(' after {op}");
                do values.Add(Value(tokens[i++], filter)); while (tokens[i].Kind == MlflowTokenKind.Comma && ++i > 0);
                if (tokens[i++].Kind != MlflowTokenKind.RParen) throw Error(filter, $"expected ')' to close the {op} list");
            }
            else values.Add(Value(tokens[i++], filter));
            result.Add(new RegistryCondition(isTag, name!, op, values));
            if (tokens[i].Kind == MlflowTokenKind.End) return result;
            if (tokens[i] is not { Kind: MlflowTokenKind.Keyword, Text: "AND" })
                throw Error(filter, $"expected AND between comparisons, found '{Text(tokens[i])}' (registry searches join comparisons with AND only)");
            i++;
        }
    }

    private static string ReadOperator(List<MlflowFilterToken> tokens, ref int i, string filter)
    {
        var t = tokens[i++];
        if (t.Kind == MlflowTokenKind.Operator) return t.Text switch { "==" => "=", "<>" => "!=", var o => o };
        if (t is { Kind: MlflowTokenKind.Keyword, Text: "LIKE" or "ILIKE" or "IN" }) return t.Text;
        if (t is { Kind: MlflowTokenKind.Keyword, Text: "NOT" } && tokens[i] is { Kind: MlflowTokenKind.Keyword, Text: "IN" }) { i++; return "NOT IN"; }
        throw Error(filter, $"expected a comparison operator, found '{Text(t)}'");
    }

    private static string Value(MlflowFilterToken t, string filter) => t.Kind is MlflowTokenKind.String or MlflowTokenKind.Number
        ? t.Text
        : throw Error(filter, $"expected a quoted value, found '{Text(t)}'");

    private static string Text(MlflowFilterToken t) => t.Kind == MlflowTokenKind.Identifier
        ? (t.Text.Length > 0 ? t.Text + "." : "") + t.Key
        : t.Kind == MlflowTokenKind.End ? "the end" : t.Text;

    private static MlflowException Error(string filter, string message) => MlflowException.Invalid($"Invalid filter '{filter}': {message}.");

    /// <summary>Parses order_by terms (<c>KEY [ASC|DESC]</c>) against the keys a search knows.</summary>
    public static List<(string Key, bool Descending)> OrderBy(IReadOnlyList<string> terms, IReadOnlyCollection<string> keys)
    {
        var result = new List<(string, bool)>();
        foreach (var term in terms)
        {
            var parts = term.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var direction = parts.Length == 2 ? parts[1].ToUpperInvariant() : "ASC";
            var key = parts.Length > 0 ? Regex.Replace(parts[0], "^(attributes?|attr)\\.", "", RegexOptions.IgnoreCase).Trim('`').ToLowerInvariant() : "";
            if (parts.Length is < 1 or > 2 || direction is not ("ASC" or "DESC") || !keys.Contains(key))
                throw MlflowException.Invalid($"Invalid order_by clause '{term}': expected one of {string.Join(", ", keys.Select(k => $"'{k}'"))} and an optional ASC or DESC.");
            result.Add((key, direction == "DESC"));
        }
        return result;
    }
}
