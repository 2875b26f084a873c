using System.CommandLine;
using MlPipelines.Cli.Infrastructure;
using MlPipelines.Core.Workspaces;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp experiment list|rename|delete|restore</c>.</summary>
internal static class ExperimentCommands
{
    public static Command Build()
    {
        var list = new Command("list", "List experiments with their run counts (deleted ones marked).").Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            ctx.Output.List(ws.Runs.ListExperiments(),
                ("Experiment", e => e.Name), ("Runs", e => e.RunCount.ToString()),
                ("Created", e => CliOutput.Format(e.CreatedAt)), ("Last run", e => CliOutput.Format(e.LastRunAt)),
                ("Deleted", e => e.DeletedAt is null ? "" : CliOutput.Format(e.DeletedAt)));
            return 0;
        });
        var name = new Argument<string>("name") { Description = "The experiment's name." };
        var newName = new Argument<string>("new-name") { Description = "Its new name." };
        var rename = new Command("rename", "Rename an experiment (its runs follow).").With(name, newName).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            ws.Runs.RenameExperiment(ctx.Get(name), ctx.Get(newName));
            return Done(ctx, $"Renamed experiment '{ctx.Get(name)}' to '{ctx.Get(newName)}'.");
        });
        return new Command("experiment", "Experiments: named groups of runs.").With(list, rename,
            Change("delete", "Delete an experiment (soft: its runs read as deleted and leave run listings; new runs in it are refused; 'mlp experiment restore' brings it back).",
                (ws, n) => ws.Runs.DeleteExperiment(n), "Deleted"),
            Change("restore", "Restore a deleted experiment and its runs that were not deleted on their own.",
                (ws, n) => ws.Runs.RestoreExperiment(n), "Restored"));
    }

    private static Command Change(string verb, string description, Action<IWorkspace, string> change, string done)
    {
        var name = new Argument<string>("name") { Description = "The experiment's name." };
        return new Command(verb, description).With(name).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            change(ws, ctx.Get(name));
            return Done(ctx, $"{done} experiment '{ctx.Get(name)}'.");
        });
    }

    private static int Done(CliContext ctx, string message)
    {
        if (ctx.Output.IsJson) ctx.Output.JsonValue(new { message });
        else ctx.Output.Line(message);
        return 0;
    }
}
