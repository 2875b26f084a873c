using System.Text.RegularExpressions;
using MlPipelines.Mlflow.Protocol;

namespace MlPipelines.Mlflow.Search;

/// <summary>
/// Translates MLflow's run filter and order-by grammar into the workspace's run query language (which the store then
/// parses and runs as SQL). Entity prefixes and their aliases (<c>metric(s)</c>, <c>param(s)</c>/<c>parameter(s)</c>,
/// <c>tag(s)</c>, <c>attribute(s)</c>/<c>attr</c>/<c>run</c>, none = attribute), quoted keys, <c>LIKE</c>/<c>ILIKE</c>,
/// <c>IN</c>/<c>NOT IN</c> lists, MLflow's status names and attribute names are mapped; <c>OR</c> and parentheses
/// are an extension over MLflow, which only has <c>AND</c>.
/// </summary>
public static class MlflowRunSearch
{
    private static readonly string[] Statuses = ["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"];

    /// <summary>The filter in the run query language, or null for an empty filter.</summary>
    public static string? Filter(string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter)) return null;
        var t = new Translator(filter, MlflowFilterTokenizer.Tokenize(filter));
        var result = t.Or();
        if (t.Peek.Kind != MlflowTokenKind.End) throw t.Error($"expected AND, OR or the end but found '{Show(t.Peek)}'");
        return result;
    }

    /// <summary>The order-by terms (each like <c>metrics.acc DESC</c>) in the run query language, or null when there are none.</summary>
    public static string? OrderBy(IReadOnlyList<string> terms)
    {
        var parts = new List<string>();
        foreach (var term in terms.Where(x => !string.IsNullOrWhiteSpace(x)))
        {
            var t = new Translator(term, MlflowFilterTokenizer.Tokenize(term));
            var field = t.Field(out _);
            var direction = "";
            if (t.Peek is { Kind: MlflowTokenKind.Keyword, Text: "ASC" or "DESC" }) direction = " " + t.Next().Text.ToLowerInvariant();
            if (t.Peek.Kind != MlflowTokenKind.End) throw t.Error($"expected ASC, DESC or the end of the order-by clause but found '{Show(t.Peek)}'");
            parts.Add(field + direction);
        }
        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    private static string Show(MlflowFilterToken t) => t.Kind == MlflowTokenKind.Identifier ? (t.Text.Length > 0 ? t.Text + "." : "") + t.Key : t.Text;

    private static string Quote(string s) => "'" + s.Replace("'", "''") + "'";

    private sealed class Translator(string text, List<MlflowFilterToken> tokens)
    {
        private int _pos;

        public MlflowFilterToken Peek => tokens[_pos];

        public MlflowFilterToken Next() => tokens[_pos++];

        public MlflowException Error(string message) => MlflowFilterTokenizer.Error(text, message);

        public string Or()
        {
            var left = And();
            while (Peek is { Kind: MlflowTokenKind.Keyword, Text: "OR" }) { Next(); left = $"{left} or {And()}"; }
            return left;
        }

        private string And()
        {
            var left = Primary();
            while (Peek is { Kind: MlflowTokenKind.Keyword, Text: "AND" }) { Next(); left = $"{left} and {Primary()}"; }
            return left;
        }

        private string Primary()
        {
            if (Peek.Kind == MlflowTokenKind.LParen)
            {
                Next();
                var inner = Or();
                if (Next().Kind != MlflowTokenKind.RParen) throw Error("expected ')'");
                return $"({inner})";
            }
            var field = Field(out var isStatus);
            var op = Next();
            if (op is { Kind: MlflowTokenKind.Keyword, Text: "NOT" })
            {
                if (Next() is not { Kind: MlflowTokenKind.Keyword, Text: "IN" }) throw Error($"expected IN after '{field} NOT'");
                return List(field, isStatus, negate: true);
            }
            if (op is { Kind: MlflowTokenKind.Keyword, Text: "IN" }) return List(field, isStatus, negate: false);
            if (op.Kind != MlflowTokenKind.Operator && op is not { Kind: MlflowTokenKind.Keyword, Text: "LIKE" or "ILIKE" })
                throw Error($"expected a comparison (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN) after '{field}' but found '{Show(op)}'");
            var value = Next();
            if (value.Kind is not (MlflowTokenKind.String or MlflowTokenKind.Number))
                throw Error($"expected a value after '{field} {op.Text}' but found '{Show(value)}'");
            if (isStatus) return Status(op.Text, value.Text);
            var literal = value.Kind == MlflowTokenKind.String ? Quote(value.Text) : value.Text;
            return $"{field} {op.Text} {literal}";
        }

        private string List(string field, bool isStatus, bool negate)
        {
            if (Next().Kind != MlflowTokenKind.LParen) throw Error($"expected '(' after '{field} {(negate ? "NOT IN" : "IN")}'");
            var values = new List<string>();
            while (true)
            {
                var v = Next();
                if (v.Kind is not (MlflowTokenKind.String or MlflowTokenKind.Number)) throw Error($"expected a value in the list of '{field}'");
                values.Add(v.Text);
                var sep = Next();
                if (sep.Kind == MlflowTokenKind.RParen) break;
                if (sep.Kind != MlflowTokenKind.Comma) throw Error($"expected ',' or ')' in the list of '{field}'");
            }
            var terms = values.Select(v => isStatus ? Status(negate ? "!=" : "=", v) : $"{field} {(negate ? "!=" : "=")} {Quote(v)}");
            return "(" + string.Join(negate ? " and " : " or ", terms) + ")";
        }

        // MLflow's status names (and LIKE patterns over them) become comparisons with the workspace's statuses.
        private string Status(string op, string value)
        {
            if (op is "LIKE" or "ILIKE")
            {
                var regex = new Regex("^" + Regex.Escape(value).Replace("%", ".*").Replace("_", ".") + "$", op == "ILIKE" ? RegexOptions.IgnoreCase : RegexOptions.None);
                var matching = Statuses.Where(s => regex.IsMatch(s)).Select(s => $"attributes.status = '{MlflowStatus.Required(s)}'").ToList();
                return matching.Count == 0 ? "attributes.run_id = ''" : "(" + string.Join(" or ", matching) + ")";
            }
            if (op is not ("=" or "==" or "!=" or "<>")) throw Error($"attributes.status supports =, !=, LIKE, ILIKE, IN and NOT IN, not '{op}'");
            var status = MlflowStatus.Parse(value) ?? throw Error($"unknown run status '{value}'; expected one of {string.Join(", ", Statuses)}");
            return $"attributes.status {(op is "=" or "==" ? "=" : "!=")} '{status}'";
        }

        public string Field(out bool isStatus)
        {
            isStatus = false;
            var t = Next();
            if (t.Kind != MlflowTokenKind.Identifier || t.Key is null)
                throw Error($"expected an identifier such as metrics.accuracy, params.lr, tags.team or attributes.status but found '{Show(t)}'");
            var key = t.Key;
            if (key.Contains('`')) throw Error($"the key '{key}' contains a backtick");
            switch (t.Text.ToLowerInvariant())
            {
                case "metric" or "metrics": return $"metrics.`{key}`";
                case "param" or "params" or "parameter" or "parameters": return $"params.`{key}`";
                case "tag" or "tags":
                    return key == "mlflow.runName" ? "attributes.name" : $"tags.`{key}`";
                case "" or "attribute" or "attributes" or "attr" or "run":
                    switch (key)
                    {
                        case "run_id": return "attributes.run_id";
                        case "run_name" or "run name" or "Run name" or "Run Name": return "attributes.name";
                        case "status": isStatus = true; return "attributes.status";
                        case "start_time" or "created" or "Created": return "attributes.start_time";
                        case "end_time": return "attributes.end_time";
                        case "user_id": return "tags.`mlflow.user`";
                        case "artifact_uri" or "lifecycle_stage":
                            throw MlflowException.NotImplemented($"Searching runs by attributes.{key} is not implemented.");
                        default:
                            throw Error($"invalid attribute key '{key}'; valid keys are run_id, run_name, status, start_time, end_time, user_id");
                    }
                case "dataset" or "datasets":
                    throw MlflowException.NotImplemented("Searching runs by dataset is not implemented.");
                default:
                    throw Error($"invalid entity type '{t.Text}'; valid values are metric, parameter, tag, attribute");
            }
        }
    }
}
