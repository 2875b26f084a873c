using MlPipelines.CommandLine;
using MlPipelines.Core.Errors;
using Spectre.Console;

namespace MlPipelines.Cli.Infrastructure;

/// <summary>Maps exceptions to a one-line message on stderr and a documented exit code.</summary>
internal static class ErrorReporter
{
    public static int Guard(Func<int> action)
    {
        try { return action(); }
        catch (Exception e) { return Report(e); }
    }

    public static async Task<int> GuardAsync(Func<Task<int>> action)
    {
        try { return await action(); }
        catch (Exception e) { return Report(e); }
    }

    public static int Report(Exception e)
    {
        switch (e)
        {
            case MlpException m:
                WriteError(m.Message);
                return ExitCodes.For(m.Kind);
            case OperationCanceledException:
                WriteError("Canceled.");
                return ExitCodes.Canceled;
            default:
                WriteError($"Unexpected error: {e.Message} (set MLP_DEBUG=1 to see where it happened)");
                if (Environment.GetEnvironmentVariable("MLP_DEBUG") == "1") Console.Error.WriteLine(e);
                return ExitCodes.Failed;
        }
    }

    private static void WriteError(string message)
    {
        if (Console.IsErrorRedirected) Console.Error.WriteLine("error: " + message);
        else Consoles.Error.Write(new Markup("[red]error:[/] " + Markup.Escape(message) + "\n"));
    }
}
