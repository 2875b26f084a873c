using System.CommandLine;
using System.CommandLine.Invocation;

namespace MlPipelines.CommandLine;

/// <summary>Runs a parsed command line the same way in <c>mlp</c> and in pipeline programs.</summary>
public static class CommandLineApp
{
    /// <summary>
    /// Invokes the chosen command; a usage error (unknown command or option, missing or bad value) is reported by
    /// <see cref="UsageErrors"/> on <paramref name="config"/>'s error writer and gives exit code 2, without the help text.
    /// </summary>
    public static Task<int> InvokeAsync(ParseResult parse, InvocationConfiguration? config = null)
    {
        config ??= new InvocationConfiguration();
        if (parse.Action is ParseErrorAction) return Task.FromResult(UsageErrors.Report(parse, config.Error));
        return parse.InvokeAsync(config);
    }
}
