using System.Globalization;
using System.Text.RegularExpressions;

namespace MlPipelines.Core.Text;

/// <summary>
/// The one parser of durations given by users (<c>--timeout</c> and friends): <c>90s</c>, <c>15m</c>, <c>1h30m</c>,
/// <c>2d</c>, <c>500ms</c> or <c>hh:mm:ss</c> (<c>00:10:00</c>, also <c>d.hh:mm:ss</c>). A bare number is rejected:
/// it has no unit, and <see cref="TimeSpan.Parse(string)"/> would read <c>2</c> as two days.
/// </summary>
public static partial class Durations
{
    /// <summary>The accepted forms, for help texts and error messages.</summary>
    public const string Forms = "90s, 15m, 1h30m, 2d, 500ms or 00:10:00";

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says why and shows the accepted forms.</summary>
    public static bool TryParse(string? text, out TimeSpan value, out string error)
    {
        value = default;
        error = "";
        var t = text?.Trim() ?? "";
        if (t.Length == 0) { error = $"a duration is required, e.g. {Forms}"; return false; }
        if (t.Contains(':'))
        {
            if (TimeSpan.TryParseExact(t, [@"h\:mm\:ss", @"hh\:mm\:ss", @"d\.hh\:mm\:ss", @"h\:mm\:ss\.FFFFFFF", @"hh\:mm\:ss\.FFFFFFF"], CultureInfo.InvariantCulture, out value))
                return Positive(t, value, out error);
            error = $"'{t}' is not a duration; use {Forms}";
            return false;
        }
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            error = $"'{t}' has no unit; use {Forms}";
            return false;
        }
        var match = UnitPattern().Match(t);
        if (!match.Success) { error = $"'{t}' is not a duration; use {Forms}"; return false; }
        var total = TimeSpan.Zero;
        try
        {
            foreach (Capture part in match.Groups["part"].Captures)
            {
                var unitAt = part.Value.IndexOfAny(['d', 'h', 'm', 's']);
                var number = double.Parse(part.Value[..unitAt], NumberStyles.Float, CultureInfo.InvariantCulture);
                total += part.Value[unitAt..] switch
                {
                    "d" => TimeSpan.FromDays(number),
                    "h" => TimeSpan.FromHours(number),
                    "m" => TimeSpan.FromMinutes(number),
                    "s" => TimeSpan.FromSeconds(number),
                    _ => TimeSpan.FromMilliseconds(number),
                };
            }
        }
        catch (OverflowException)
        {
            error = $"'{t}' is too long a duration";
            return false;
        }
        value = total;
        return Positive(t, value, out error);
    }

    /// <summary>Formats a duration in the unit form <see cref="TryParse"/> reads back, e.g. <c>1h30m</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value <= TimeSpan.Zero) return "0s";
        var parts = new List<string>();
        if (value.Days > 0) parts.Add($"{value.Days}d");
        if (value.Hours > 0) parts.Add($"{value.Hours}h");
        if (value.Minutes > 0) parts.Add($"{value.Minutes}m");
        if (value.Seconds > 0) parts.Add($"{value.Seconds}s");
        if (value.Milliseconds > 0) parts.Add($"{value.Milliseconds}ms");
        return parts.Count == 0 ? "0s" : string.Concat(parts);
    }

    private static bool Positive(string text, TimeSpan value, out string error)
    {
        error = value > TimeSpan.Zero ? "" : $"'{text}' must be longer than zero";
        return error.Length == 0;
    }

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?(ms|d|h|m|s))+$", RegexOptions.CultureInvariant)]
    private static partial Regex UnitPattern();
}
