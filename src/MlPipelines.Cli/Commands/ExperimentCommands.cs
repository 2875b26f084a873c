using System.CommandLine;
using MlPipelines.Cli.Infrastructure;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp experiment list</c>.</summary>
internal static class ExperimentCommands
{
    public static Command Build()
    {
        var list = new Command("list", "List experiments with their run counts.").Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            ctx.Output.List(ws.Runs.ListExperiments(),
                ("Experiment", e => e.Name), ("Runs", e => e.RunCount.ToString()),
                ("Created", e => CliOutput.Format(e.CreatedAt)), ("Last run", e => CliOutput.Format(e.LastRunAt)));
            return 0;
        });
        return new Command("experiment", "Experiments: named groups of runs.").With(list);
    }
}
