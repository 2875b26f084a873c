using System.Globalization;
using System.Text.Json;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;

namespace MlPipelines.Core.Protocol;

/// <summary>
/// Parses the language-neutral logging protocol: a stdout line <c>##mlp[KIND key=value …]PAYLOAD</c>. Values may be
/// quoted (<c>name="a b"</c>). Pure and stateless; <see cref="Recording.RunRecorder"/> applies the lines to a run (and numbers steps).
/// </summary>
public static partial class MlpLineParser
{
    /// <summary>Every protocol line starts with this (leading whitespace allowed).</summary>
    public const string Prefix = "##mlp[";

    /// <summary>True when the line is meant as a protocol line.</summary>
    public static bool IsProtocolLine(string line) => line.AsSpan().TrimStart().StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Parses a line; null when it is not a protocol line.</summary>
    public static MlpLineResult? Parse(string line)
    {
        if (!IsProtocolLine(line)) return null;
        var text = line.TrimStart().TrimEnd('\r', '\n');
        var close = FindClose(text);
        if (close < 0) return MlpLineResult.Warn(text, "missing ']'");
        var header = text[Prefix.Length..close];
        var payload = text[(close + 1)..];
        if (!TryParseHeader(header, out var kind, out var attrs, out var headerError)) return MlpLineResult.Warn(text, headerError);
        if (!attrs.TryGetValue("name", out var name)) return MlpLineResult.Warn(text, $"'{kind}' needs name=…");
        var allowed = kind == "metric" ? new[] { "name", "step" } : ["name"];
        var unknown = attrs.Keys.FirstOrDefault(k => !allowed.Contains(k));
        if (unknown is not null) return MlpLineResult.Warn(text, $"unknown attribute '{unknown}' for '{kind}'; expected {string.Join(", ", allowed)}");
        try
        {
            if (kind is "metric" or "param" or "tag") Names.ValidateKey(kind, name);
            else Names.Validate(kind, name);
            return kind switch
            {
                "metric" => Metric(text, name, attrs, payload),
                "param" => MlpLineResult.Ok(new ParamCommand(name, payload)),
                "tag" => MlpLineResult.Ok(new TagCommand(name, payload)),
                "output" => MlpLineResult.Ok(new OutputCommand(name, ArtifactPaths.Normalize("output", payload.Trim()))),
                "table" => Table(text, name, payload),
                "image" => Image(text, name, payload),
                _ => MlpLineResult.Warn(text, $"unknown command '{kind}'; expected metric, param, tag, output, table or image"),
            };
        }
        catch (MlpException e)
        {
            return MlpLineResult.Warn(text, e.Message.TrimEnd('.'));
        }
    }

    /// <summary>Parses a metric value: a number in invariant culture, or NaN, Infinity, -Infinity (also nan, inf, -inf).</summary>
    public static bool TryParseValue(string text, out double value)
    {
        var t = text.Trim();
        switch (t.ToLowerInvariant())
        {
            case "nan": value = double.NaN; return true;
            case "inf" or "+inf" or "infinity" or "+infinity": value = double.PositiveInfinity; return true;
            case "-inf" or "-infinity": value = double.NegativeInfinity; return true;
        }
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && t.Length > 0;
    }

    private static MlpLineResult Metric(string line, string name, Dictionary<string, string> attrs, string payload)
    {
        if (!TryParseValue(payload, out var value))
            return MlpLineResult.Warn(line, $"metric '{name}' value '{payload.Trim()}' is not a number");
        if (double.IsInfinity(value) && !IsInfinityLiteral(payload))
            return MlpLineResult.Warn(line, $"metric '{name}' value '{payload.Trim()}' is too large for a 64-bit number; write {(value > 0 ? "Infinity" : "-Infinity")} to log an infinite value");
        long? step = null;
        if (attrs.TryGetValue("step", out var s))
        {
            if (!long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var st) || st < 0)
                return MlpLineResult.Warn(line, $"metric '{name}' step '{s}' is not a non-negative integer");
            step = st;
        }
        return MlpLineResult.Ok(new MetricCommand(name, value, step));
    }

    private static bool IsInfinityLiteral(string text) =>
        text.Trim().ToLowerInvariant() is "inf" or "+inf" or "-inf" or "infinity" or "+infinity" or "-infinity";

    /// <summary>
    /// The warning for a protocol line whose bytes were not valid UTF-8 (the reader replaced them with U+FFFD), or null
    /// when <paramref name="line"/> is not a protocol line. The line is still applied, with the replacement characters.
    /// </summary>
    public static string? InvalidUtf8Warning(string line) =>
        IsProtocolLine(line) ? $"##mlp line is not valid UTF-8; the invalid bytes were replaced with U+FFFD: {line.Trim()}" : null;

    private static MlpLineResult Table(string line, string name, string payload)
    {
        try
        {
            using var doc = JsonDocument.Parse(payload);
            return MlpLineResult.Ok(new TableCommand(name, payload.Trim()));
        }
        catch (JsonException e)
        {
            return MlpLineResult.Warn(line, $"table '{name}' is not valid JSON: {e.Message}");
        }
    }

    private static MlpLineResult Image(string line, string name, string payload)
    {
        var path = ArtifactPaths.Normalize("image", payload.Trim());
        var ext = Path.GetExtension(path).ToLowerInvariant();
        return ext is ".png" or ".svg"
            ? MlpLineResult.Ok(new ImageCommand(name, path))
            : MlpLineResult.Warn(line, $"image '{name}' must be a .png or .svg file, got '{path}'");
    }

    private static int FindClose(string text)
    {
        var inQuote = false;
        for (var i = Prefix.Length; i < text.Length; i++)
        {
            if (text[i] == '"') inQuote = !inQuote;
            else if (text[i] == ']' && !inQuote) return i;
        }
        return -1;
    }

    private static bool TryParseHeader(string header, out string kind, out Dictionary<string, string> attrs, out string error)
    {
        attrs = new Dictionary<string, string>(StringComparer.Ordinal);
        kind = "";
        error = "";
        var i = 0;
        string? lastKey = null;
        bool? lastQuoted = null;
        while (i < header.Length && header[i] == ' ') i++;
        var start = i;
        while (i < header.Length && header[i] != ' ') i++;
        kind = header[start..i].ToLowerInvariant();
        if (kind.Length == 0) { error = "missing command after '##mlp['"; return false; }
        while (i < header.Length)
        {
            if (header[i] == ' ') { i++; continue; }
            var eq = header.IndexOf('=', i);
            if (eq < 0 || header.IndexOf(' ', i, eq - i) >= 0)
            {
                var word = header[i..].Split(' ')[0];
                error = lastKey is { } k && lastQuoted == false
                    ? $"{(k == "name" ? "a name" : $"a '{k}' value")} with spaces must be quoted: {k}=\"{attrs[k]} {word}\""
                    : $"expected key=value, got '{word}'";
                return false;
            }
            var key = header[i..eq].Trim();
            if (key.Length == 0 || key.Contains(' ')) { error = $"expected key=value, got '{header[i..eq]}'"; return false; }
            i = eq + 1;
            string value;
            var quoted = i < header.Length && header[i] == '"';
            if (quoted)
            {
                var end = header.IndexOf('"', i + 1);
                if (end < 0) { error = $"unterminated quote in '{key}'"; return false; }
                value = header[(i + 1)..end];
                i = end + 1;
            }
            else
            {
                var end = header.IndexOf(' ', i);
                if (end < 0) end = header.Length;
                value = header[i..end];
                i = end;
            }
            if (!attrs.TryAdd(key, value)) { error = $"attribute '{key}' given twice"; return false; }
            lastKey = key;
            lastQuoted = quoted;
        }
        return true;
    }
}
