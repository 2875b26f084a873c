using System.Globalization;
using MlPipelines.Core.Naming;

namespace MlPipelines.Core.Protocol;

public static partial class MlpLineParser
{
    private const string MetricPrefix = "##mlp[metric ";

    /// <summary>
    /// Reads the most frequent protocol line, <c>##mlp[metric name=N step=S]V</c> (step optional, finite value, no
    /// quotes), without allocating. False means "not this simple form": use <see cref="Parse"/>, which handles every
    /// other line and words the warnings. When true, the result is exactly what <see cref="Parse"/> would give.
    /// </summary>
    public static bool TryParseMetric(ReadOnlySpan<char> line, out ReadOnlySpan<char> name, out double value, out long? step)
    {
        name = default;
        value = 0;
        step = null;
        var text = line.TrimStart().TrimEnd("\r\n");
        if (!text.StartsWith(MetricPrefix, StringComparison.Ordinal)) return false;
        var close = text.IndexOf(']');
        if (close < 0) return false;
        var header = text[MetricPrefix.Length..close];
        if (header.Contains('"')) return false;
        var payload = text[(close + 1)..].Trim();
        var named = false;
        while (!header.IsEmpty)
        {
            var space = header.IndexOf(' ');
            var attr = space < 0 ? header : header[..space];
            header = space < 0 ? default : header[(space + 1)..];
            if (attr.IsEmpty) continue;
            if (attr.StartsWith("name=", StringComparison.Ordinal) && !named)
            {
                name = attr[5..];
                named = true;
            }
            else if (attr.StartsWith("step=", StringComparison.Ordinal) && step is null
                     && long.TryParse(attr[5..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) && s >= 0) step = s;
            else return false;
        }
        return IsValidName(name)
               && double.TryParse(payload, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    private static bool IsValidName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > Names.MaxLength || name is "." or "..") return false;
        foreach (var c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) return false;
        return true;
    }
}
