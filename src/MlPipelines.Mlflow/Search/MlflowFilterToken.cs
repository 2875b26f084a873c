using MlPipelines.Mlflow.Protocol;

namespace MlPipelines.Mlflow.Search;

internal enum MlflowTokenKind { Identifier, String, Number, Operator, Keyword, LParen, RParen, Comma, End }

/// <summary>One token of an MLflow search expression; an identifier's <see cref="Text"/> is the entity part, its <see cref="Key"/> the unquoted key.</summary>
internal readonly record struct MlflowFilterToken(MlflowTokenKind Kind, string Text, string? Key = null);

/// <summary>Splits an MLflow filter or order-by clause into tokens: <c>metrics."my key"</c>, <c>tags.`k`</c>, <c>'text'</c>, <c>0.5</c>, <c>&gt;=</c>, <c>AND</c>…</summary>
internal static class MlflowFilterTokenizer
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase) { "and", "or", "like", "ilike", "in", "not", "asc", "desc" };

    public static List<MlflowFilterToken> Tokenize(string text)
    {
        var tokens = new List<MlflowFilterToken>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '(') { tokens.Add(new(MlflowTokenKind.LParen, "(")); i++; continue; }
            if (c == ')') { tokens.Add(new(MlflowTokenKind.RParen, ")")); i++; continue; }
            if (c == ',') { tokens.Add(new(MlflowTokenKind.Comma, ",")); i++; continue; }
            if (c is '\'' or '"') { tokens.Add(new(MlflowTokenKind.String, Quoted(text, ref i))); continue; }
            if (c is '=' or '!' or '<' or '>')
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : "";
                if (two is "!=" or "<=" or ">=" or "<>" or "==") { tokens.Add(new(MlflowTokenKind.Operator, two)); i += 2; continue; }
                if (c == '!') throw Error(text, $"expected '!=' at position {i + 1}");
                tokens.Add(new(MlflowTokenKind.Operator, c.ToString()));
                i++;
                continue;
            }
            if (char.IsAsciiDigit(c) || (c is '-' or '+' or '.' && i + 1 < text.Length && (char.IsAsciiDigit(text[i + 1]) || text[i + 1] == '.')))
            {
                var j = i + 1;
                while (j < text.Length && (char.IsAsciiDigit(text[j]) || text[j] is '.' or 'e' or 'E' || (text[j] is '+' or '-' && text[j - 1] is 'e' or 'E'))) j++;
                tokens.Add(new(MlflowTokenKind.Number, text[i..j]));
                i = j;
                continue;
            }
            if (char.IsAsciiLetter(c) || c is '_' or '`')
            {
                tokens.Add(Identifier(text, ref i));
                continue;
            }
            throw Error(text, $"unexpected character '{c}' at position {i + 1}");
        }
        tokens.Add(new(MlflowTokenKind.End, ""));
        return tokens;
    }

    private static MlflowFilterToken Identifier(string text, ref int i)
    {
        string entity;
        if (text[i] == '`') entity = Quoted(text, ref i);
        else
        {
            var j = i;
            while (j < text.Length && (char.IsAsciiLetterOrDigit(text[j]) || text[j] == '_')) j++;
            entity = text[i..j];
            i = j;
        }
        if (i >= text.Length || text[i] != '.')
            return Keywords.Contains(entity) ? new(MlflowTokenKind.Keyword, entity.ToUpperInvariant()) : new(MlflowTokenKind.Identifier, "", entity);
        i++; // the dot
        if (i < text.Length && text[i] is '"' or '\'' or '`') return new(MlflowTokenKind.Identifier, entity, Quoted(text, ref i));
        var k = i;
        while (k < text.Length && (char.IsAsciiLetterOrDigit(text[k]) || text[k] is '_' or '.' or '-' or '/' or ':')) k++;
        if (k == i) throw Error(text, $"expected a key after '{entity}.'");
        var key = text[i..k];
        i = k;
        return new(MlflowTokenKind.Identifier, entity, key);
    }

    private static string Quoted(string text, ref int i)
    {
        var quote = text[i];
        var end = text.IndexOf(quote, i + 1);
        if (end < 0) throw Error(text, $"unterminated {quote}quoted{quote} text starting at position {i + 1}");
        var value = text[(i + 1)..end];
        i = end + 1;
        return value;
    }

    internal static MlflowException Error(string text, string message) => MlflowException.Invalid($"Invalid search expression '{text}': {message}.");
}
