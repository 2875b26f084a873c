namespace MlPipelines.Core.Query;

internal enum TokenKind { Word, Number, String, Op, LParen, RParen, Comma, End }

internal readonly record struct Token(TokenKind Kind, string Text, int Column);

/// <summary>Splits a filter or order-by expression into tokens; columns are 1-based.</summary>
internal static class QueryTokenizer
{
    public static List<Token> Tokenize(string text, Func<int, string, Exception> error)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var col = i + 1;
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '(') { tokens.Add(new(TokenKind.LParen, "(", col)); i++; continue; }
            if (c == ')') { tokens.Add(new(TokenKind.RParen, ")", col)); i++; continue; }
            if (c == ',') { tokens.Add(new(TokenKind.Comma, ",", col)); i++; continue; }
            if (c is '\'' or '"')
            {
                var sb = new System.Text.StringBuilder();
                var j = i + 1;
                while (true)
                {
                    if (j >= text.Length) throw error(col, $"unterminated string starting with {c}");
                    if (text[j] == c)
                    {
                        if (j + 1 < text.Length && text[j + 1] == c) { sb.Append(c); j += 2; continue; } // doubled quote escapes
                        break;
                    }
                    sb.Append(text[j++]);
                }
                tokens.Add(new(TokenKind.String, sb.ToString(), col));
                i = j + 1;
                continue;
            }
            if (c is '=' or '!' or '<' or '>')
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : null;
                if (two is "!=" or "<=" or ">=" or "<>" or "==") { tokens.Add(new(TokenKind.Op, two, col)); i += 2; continue; }
                if (c == '!') throw error(col, "expected '!=' ");
                tokens.Add(new(TokenKind.Op, c.ToString(), col));
                i++;
                continue;
            }
            if (IsNumberStart(text, i))
            {
                var j = i + 1;
                while (j < text.Length && (char.IsAsciiDigit(text[j]) || text[j] is '.' or 'e' or 'E' ||
                                           (text[j] is '+' or '-' && text[j - 1] is 'e' or 'E'))) j++;
                tokens.Add(new(TokenKind.Number, text[i..j], col));
                i = j;
                continue;
            }
            if (IsWordChar(c) || c == '`')
            {
                var sb = new System.Text.StringBuilder();
                var j = i;
                while (j < text.Length && (IsWordChar(text[j]) || text[j] == '`'))
                {
                    if (text[j] == '`')
                    {
                        var close = text.IndexOf('`', j + 1);
                        if (close < 0) throw error(j + 1, "unterminated `quoted` name");
                        sb.Append(text, j + 1, close - j - 1);
                        j = close + 1;
                    }
                    else sb.Append(text[j++]);
                }
                tokens.Add(new(TokenKind.Word, sb.ToString(), col));
                i = j;
                continue;
            }
            throw error(col, $"unexpected character '{c}'");
        }
        tokens.Add(new(TokenKind.End, "", text.Length + 1));
        return tokens;
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-';

    private static bool IsNumberStart(string s, int i)
    {
        var c = s[i];
        if (char.IsAsciiDigit(c)) return true;
        var next = i + 1 < s.Length ? s[i + 1] : '\0';
        if (c is '-' or '+') return char.IsAsciiDigit(next) || (next == '.' && i + 2 < s.Length && char.IsAsciiDigit(s[i + 2]));
        return c == '.' && char.IsAsciiDigit(next);
    }
}
