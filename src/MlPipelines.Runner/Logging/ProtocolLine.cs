using System.Globalization;

namespace MlPipelines.Runner.Logging;

/// <summary>A parsed <c>##mlp[kind key=value …]payload</c> line.</summary>
internal sealed record ProtocolLine(string Kind, IReadOnlyDictionary<string, string> Attributes, string Payload);

/// <summary>Parses the logging protocol lines a step writes to stdout (minimal reader; malformed lines are reported, never fatal).</summary>
internal interface IProtocolParser
{
    /// <summary>Null when the line is not a protocol line; otherwise the parsed line or an error text.</summary>
    (ProtocolLine? Line, string? Error)? TryParse(string text);
}

internal sealed class ProtocolParser : IProtocolParser
{
    private const string Prefix = "##mlp[";

    public (ProtocolLine? Line, string? Error)? TryParse(string text)
    {
        if (!text.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var close = text.IndexOf(']', Prefix.Length);
        if (close < 0) return (null, $"malformed ##mlp line (no ']'): '{text}'");
        var head = text[Prefix.Length..close].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (head.Length == 0) return (null, $"malformed ##mlp line (no kind): '{text}'");
        var attrs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var a in head.Skip(1))
        {
            var eq = a.IndexOf('=');
            if (eq <= 0) return (null, $"malformed ##mlp attribute '{a}' in '{text}'; expected key=value");
            attrs[a[..eq]] = a[(eq + 1)..];
        }
        return (new ProtocolLine(head[0], attrs, text[(close + 1)..]), null);
    }

    internal static bool TryParseNumber(string s, out double value)
    {
        var t = s.Trim();
        switch (t.ToLowerInvariant())
        {
            case "nan": value = double.NaN; return true;
            case "inf" or "+inf" or "infinity" or "+infinity": value = double.PositiveInfinity; return true;
            case "-inf" or "-infinity": value = double.NegativeInfinity; return true;
        }
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
