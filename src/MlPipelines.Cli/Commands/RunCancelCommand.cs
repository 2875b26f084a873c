using System.CommandLine;
using System.Diagnostics;
using MlPipelines.Cli.Infrastructure;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp run cancel ID</c>: marks the run Canceled and kills its process tree.</summary>
internal static class RunCancelCommand
{
    public static Command Build()
    {
        var id = new Argument<string>("run-id") { Description = "The run id." };
        return new Command("cancel", "Cancel a running run: its process tree is killed and its status becomes Canceled.").With(id).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var run = ws.Runs.GetRun(ctx.Get(id));
            if (run.Status.IsTerminal())
                throw MlpException.Conflict($"Run '{run.Id}' is already {run.Status}; only Queued or Running runs can be canceled.");
            // Status first, so the submitting process sees Canceled (not Failed) when its child dies.
            ws.Runs.SetStatus(run.Id, RunStatus.Canceled, "canceled by user");
            var killed = false;
            if (ws.Runs.GetProcess(run.Id) is { } proc && proc.Host == Environment.MachineName)
            {
                try
                {
                    using var p = Process.GetProcessById(proc.ProcessId);
                    p.Kill(entireProcessTree: true);
                    killed = true;
                }
                catch (ArgumentException) { /* already exited */ }
                catch (InvalidOperationException) { /* already exited */ }
            }
            foreach (var child in ws.Runs.QueryRuns(new RunQuery { ParentRunId = run.Id, Lifecycle = RunLifecycle.All }).Where(c => !c.Status.IsTerminal()))
                ws.Runs.SetStatus(child.Id, RunStatus.Canceled, "parent canceled");
            if (ctx.Output.IsJson) ctx.Output.JsonValue(new { run = run.Id, status = "Canceled", processKilled = killed });
            else ctx.Output.Line($"Canceled run {run.Id}{(killed ? " and killed its process tree" : "")}.");
            return 0;
        });
    }
}
