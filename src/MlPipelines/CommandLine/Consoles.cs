using System.Globalization;
using Spectre.Console;

namespace MlPipelines.CommandLine;

/// <summary>
/// Configures Spectre.Console once at startup (in <c>mlp</c> and pipeline programs): no ANSI escapes when the output
/// is piped or redirected or <c>NO_COLOR</c> is set, and tables as wide as <c>COLUMNS</c> (or unwrapped when the
/// output is not a terminal).
/// </summary>
public static class Consoles
{
    /// <summary>Width used when the output is not a terminal and <c>COLUMNS</c> is not set: wide enough never to wrap.</summary>
    public const int UnlimitedWidth = 16384;

    /// <summary>A console for standard error, configured like <see cref="AnsiConsole.Console"/> (set by <see cref="Configure"/>).</summary>
    public static IAnsiConsole Error { get; private set; } = AnsiConsole.Console;

    /// <summary>Sets <see cref="AnsiConsole.Console"/> (standard output) and <see cref="Error"/> from the environment.</summary>
    public static void Configure()
    {
        AnsiConsole.Console = Create(Console.Out, Console.IsOutputRedirected);
        Error = Create(Console.Error, Console.IsErrorRedirected);
    }

    /// <summary>A console writing to <paramref name="writer"/>; <paramref name="redirected"/> says it is not a terminal.</summary>
    public static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var plain = redirected || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
            Out = new AnsiConsoleOutput(writer),
        });
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var columns) && columns > 0)
            console.Profile.Width = columns;
        else if (redirected)
            console.Profile.Width = UnlimitedWidth;
        return console;
    }
}
