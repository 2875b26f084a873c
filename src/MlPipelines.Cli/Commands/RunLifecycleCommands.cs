using System.CommandLine;
using MlPipelines.Cli.Infrastructure;
using MlPipelines.Core.Workspaces;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp run delete|restore ID</c>: soft deletion (nothing is erased; a deleted run is hidden from <c>mlp run list</c> and never reused by the step cache).</summary>
internal static class RunLifecycleCommands
{
    public static Command Delete() => Change("delete",
        "Delete a run (soft: it keeps its records, 'mlp run list --lifecycle deleted' shows it, 'mlp run restore' brings it back; the step cache no longer reuses it).",
        (ws, id) => ws.Runs.DeleteRun(id), "Deleted");

    public static Command Restore() => Change("restore", "Restore a deleted run (its experiment must not be deleted).",
        (ws, id) => ws.Runs.RestoreRun(id), "Restored");

    private static Command Change(string name, string description, Action<IWorkspace, string> change, string done)
    {
        var id = new Argument<string>("run-id") { Description = "The run id." };
        return new Command(name, description).With(id).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var runId = ctx.Get(id);
            change(ws, runId);
            if (ctx.Output.IsJson) ctx.Output.JsonValue(new { run = runId, deleted = ws.Runs.GetRun(runId).DeletedAt is not null });
            else ctx.Output.Line($"{done} run {runId}.");
            return 0;
        });
    }
}
