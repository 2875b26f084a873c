using System.Globalization;
using MlPipelines.Core.Errors;

namespace MlPipelines.Core.Query;

/// <summary>
/// Hand-written recursive-descent parser of the run query language:
/// <code>
/// filter  := or
/// or      := and ('or' and)*
/// and     := primary ('and' primary)*
/// primary := '(' or ')' | field op literal
/// field   := (metrics|params|tags|attributes) '.' name
/// op      := = | != | &lt;&gt; | &lt; | &lt;= | &gt; | &gt;= | LIKE | ILIKE
/// orderBy := field [asc|desc] (',' field [asc|desc])*
/// </code>
/// Errors are <see cref="MlpException"/> (InvalidInput) showing the expression with a caret under the column.
/// </summary>
public sealed class RunFilterParser
{
    private readonly string _text;
    private readonly string _what;
    private readonly List<Token> _tokens;
    private int _pos;

    private RunFilterParser(string text, string what)
    {
        _text = text;
        _what = what;
        _tokens = QueryTokenizer.Tokenize(text, (col, msg) => Error(col, msg));
    }

    /// <summary>Parses a filter; null for an empty or blank expression.</summary>
    public static FilterNode? ParseFilter(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var p = new RunFilterParser(text, "filter");
        var node = p.ParseOr();
        p.Expect(TokenKind.End, "'and', 'or' or the end of the filter");
        return node;
    }

    /// <summary>Parses an order-by list; empty for a blank expression.</summary>
    public static IReadOnlyList<OrderTerm> ParseOrderBy(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var p = new RunFilterParser(text, "order-by");
        var terms = new List<OrderTerm>();
        while (true)
        {
            var field = p.ParseField();
            var desc = false;
            if (p.Peek.Kind == TokenKind.Word && p.Peek.Text.ToLowerInvariant() is "asc" or "desc")
                desc = p.Next().Text.Equals("desc", StringComparison.OrdinalIgnoreCase);
            terms.Add(new OrderTerm(field, desc));
            if (p.Peek.Kind == TokenKind.Comma) { p.Next(); continue; }
            p.Expect(TokenKind.End, "'asc', 'desc', ',' or the end of the order-by");
            return terms;
        }
    }

    private Token Peek => _tokens[_pos];

    private Token Next() => _tokens[_pos++];

    private bool IsKeyword(string keyword) => Peek.Kind == TokenKind.Word && Peek.Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);

    private void Expect(TokenKind kind, string expected)
    {
        if (Peek.Kind != kind) throw Error(Peek.Column, $"expected {expected} but found {Describe(Peek)}");
        _pos++;
    }

    private FilterNode ParseOr()
    {
        var left = ParseAnd();
        while (IsKeyword("or")) { Next(); left = new OrNode(left, ParseAnd()); }
        return left;
    }

    private FilterNode ParseAnd()
    {
        var left = ParsePrimary();
        while (IsKeyword("and")) { Next(); left = new AndNode(left, ParsePrimary()); }
        return left;
    }

    private FilterNode ParsePrimary()
    {
        if (Peek.Kind == TokenKind.LParen)
        {
            Next();
            var inner = ParseOr();
            Expect(TokenKind.RParen, "')'");
            return inner;
        }
        var field = ParseField();
        var opToken = Peek;
        var op = ParseOp(field);
        var literal = ParseLiteral(field, op, opToken);
        return new ComparisonNode(field, op, literal);
    }

    private FieldRef ParseField()
    {
        var t = Peek;
        if (t.Kind != TokenKind.Word)
            throw Error(t.Column, $"expected a field such as metrics.accuracy, params.lr, tags.team or attributes.status but found {Describe(t)}");
        Next();
        var dot = t.Text.IndexOf('.');
        var prefix = dot < 0 ? t.Text : t.Text[..dot];
        var name = dot < 0 ? "" : t.Text[(dot + 1)..];
        FieldKind? kind = prefix.ToLowerInvariant() switch
        {
            "metrics" or "metric" => FieldKind.Metric,
            "params" or "param" => FieldKind.Param,
            "tags" or "tag" => FieldKind.Tag,
            "attributes" or "attribute" or "attr" => FieldKind.Attribute,
            _ => null,
        };
        if (kind is null || name.Length == 0)
            throw Error(t.Column, $"unknown field '{t.Text}'; expected metrics.NAME, params.NAME, tags.NAME or attributes.({string.Join("|", RunAttributes.All)})");
        if (kind == FieldKind.Attribute)
        {
            name = name.ToLowerInvariant();
            if (!RunAttributes.All.Contains(name))
                throw Error(t.Column + dot + 1, $"unknown attribute '{name}'; expected one of {string.Join(", ", RunAttributes.All)}");
        }
        return new FieldRef(kind.Value, name, t.Column);
    }

    private CompareOp ParseOp(FieldRef field)
    {
        var t = Peek;
        CompareOp? op = t.Kind switch
        {
            TokenKind.Op => t.Text switch
            {
                "=" or "==" => CompareOp.Eq, "!=" or "<>" => CompareOp.NotEq, "<" => CompareOp.Lt, "<=" => CompareOp.Le,
                ">" => CompareOp.Gt, ">=" => CompareOp.Ge, _ => null,
            },
            TokenKind.Word when t.Text.Equals("like", StringComparison.OrdinalIgnoreCase) => CompareOp.Like,
            TokenKind.Word when t.Text.Equals("ilike", StringComparison.OrdinalIgnoreCase) => CompareOp.ILike,
            _ => null,
        };
        if (op is null) throw Error(t.Column, $"expected a comparison operator (=, !=, <, <=, >, >=, LIKE) after '{field}' but found {Describe(t)}");
        Next();
        var numeric = field.Kind == FieldKind.Metric || (field.Kind == FieldKind.Attribute && RunAttributes.IsNumeric(field.Name));
        if (numeric && op is CompareOp.Like or CompareOp.ILike)
            throw Error(t.Column, $"'{field}' is a number; LIKE works on params, tags and text attributes");
        if (field is { Kind: FieldKind.Attribute, Name: RunAttributes.Status } && op is not (CompareOp.Eq or CompareOp.NotEq or CompareOp.Like or CompareOp.ILike))
            throw Error(t.Column, "attributes.status supports =, != and LIKE");
        return op.Value;
    }

    private QueryLiteral ParseLiteral(FieldRef field, CompareOp op, Token opToken)
    {
        var t = Peek;
        if (t.Kind is not (TokenKind.Number or TokenKind.String))
            throw Error(t.Column, $"expected a value (a number or a 'quoted string') after '{field} {opToken.Text}' but found {Describe(t)}");
        Next();
        double? number = t.Kind == TokenKind.Number
            ? double.TryParse(t.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw Error(t.Column, $"'{t.Text}' is not a number")
            : null;
        var isTime = field.Kind == FieldKind.Attribute && field.Name is RunAttributes.StartTime or RunAttributes.EndTime;
        if (isTime && t.Kind == TokenKind.String)
        {
            if (!DateTimeOffset.TryParse(t.Text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
                throw Error(t.Column, $"'{t.Text}' is not a date; expected milliseconds since 1970 or an ISO-8601 date such as '2026-01-31T12:00:00Z'");
            return new QueryLiteral(t.Text, when.ToUnixTimeMilliseconds(), true, t.Column);
        }
        if ((field.Kind == FieldKind.Metric || (field.Kind == FieldKind.Attribute && RunAttributes.IsNumeric(field.Name))) && number is null)
            throw Error(t.Column, $"'{field}' is compared with numbers, but '{t.Text}' is a string");
        if (op is CompareOp.Like or CompareOp.ILike && t.Kind != TokenKind.String)
            throw Error(t.Column, "LIKE needs a 'quoted pattern' such as 'abc%'");
        if (field is { Kind: FieldKind.Attribute, Name: RunAttributes.Status } && op is CompareOp.Eq or CompareOp.NotEq &&
            !Enum.TryParse<Runs.RunStatus>(t.Text, ignoreCase: true, out _))
            throw Error(t.Column, $"unknown status '{t.Text}'; expected one of {string.Join(", ", Enum.GetNames<Runs.RunStatus>())}");
        return new QueryLiteral(t.Text, number, t.Kind == TokenKind.String, t.Column);
    }

    private static string Describe(Token t) => t.Kind switch
    {
        TokenKind.End => "the end of the expression",
        TokenKind.String => $"'{t.Text}'",
        _ => $"'{t.Text}'",
    };

    private MlpException Error(int column, string message)
    {
        var caret = new string(' ', Math.Max(0, column - 1)) + "^";
        return MlpException.Invalid($"Invalid {_what} at column {column}: {message}.{Environment.NewLine}  {_text}{Environment.NewLine}  {caret}");
    }
}
