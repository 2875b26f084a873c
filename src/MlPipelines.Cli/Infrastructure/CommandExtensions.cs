using System.CommandLine;

namespace MlPipelines.Cli.Infrastructure;

/// <summary>Wires handlers with a <see cref="CliContext"/>; errors are mapped to exit codes in one place (<see cref="ErrorReporter"/>).</summary>
internal static class CommandExtensions
{
    public static Command Handle(this Command command, Func<CliContext, int> handler)
    {
        command.SetAction((parse, ct) => Task.FromResult(ErrorReporter.Guard(() => handler(new CliContext(parse, ct)))));
        return command;
    }

    public static Command HandleAsync(this Command command, Func<CliContext, Task<int>> handler)
    {
        command.SetAction((parse, ct) => ErrorReporter.GuardAsync(() => handler(new CliContext(parse, ct))));
        return command;
    }

    public static Command With(this Command command, params Symbol[] symbols)
    {
        foreach (var s in symbols)
        {
            switch (s)
            {
                case Option o: command.Options.Add(o); break;
                case Argument a: command.Arguments.Add(a); break;
                case Command c: command.Subcommands.Add(c); break;
            }
        }
        return command;
    }
}
