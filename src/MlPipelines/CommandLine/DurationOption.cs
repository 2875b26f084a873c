using System.CommandLine;
using MlPipelines.Core.Text;

namespace MlPipelines.CommandLine;

/// <summary>Options whose value is a duration (<c>90s</c>, <c>15m</c>, <c>1h30m</c>, <c>00:10:00</c>), read by <see cref="Durations"/>.</summary>
public static class DurationOption
{
    /// <summary>An optional duration option; a bare number or other bad value is a usage error that shows the accepted forms.</summary>
    public static Option<TimeSpan?> Create(string name, string description) => new(name)
    {
        Description = $"{description} ({Durations.Forms}).",
        HelpName = "duration",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (Durations.TryParse(text, out var value, out var error)) return value;
            result.AddError($"Invalid value for option '{name}': {error}.");
            return null;
        },
    };
}
