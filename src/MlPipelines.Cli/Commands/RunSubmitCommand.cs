using System.CommandLine;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp run submit</c> (wired to the tracked-process executor once it lands).</summary>
internal static class RunSubmitCommand
{
    public static Command Build() => new("submit", "Run a command as a tracked run on the local compute target.");
}
