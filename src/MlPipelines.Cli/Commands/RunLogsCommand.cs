using System.CommandLine;
using MlPipelines.Cli.Infrastructure;
using MlPipelines.Core.Runs;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp run logs ID [--follow]</c>.</summary>
internal static class RunLogsCommand
{
    public static Command Build()
    {
        var id = new Argument<string>("run-id") { Description = "The run id." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines until the run ends." };
        return new Command("logs", "Print a run's stdout/stderr in order.").With(id, follow).HandleAsync(async ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var run = ws.Runs.GetRun(ctx.Get(id));
            long after = -1;
            while (true)
            {
                var lines = ws.Runs.GetLogs(run.Id, after);
                foreach (var line in lines)
                {
                    if (ctx.Output.IsJson) ctx.Output.JsonValue(line);
                    else (line.Stream == LogStream.Stderr ? Console.Error : Console.Out).WriteLine(line.Text);
                    after = line.Sequence;
                }
                if (!ctx.Get(follow) || ws.Runs.GetRun(run.Id).Status.IsTerminal()) break;
                if (lines.Count == 0) await Task.Delay(250, ctx.Cancellation);
            }
            // Lines written between the last read and the terminal status.
            if (ctx.Get(follow))
                foreach (var line in ws.Runs.GetLogs(run.Id, after))
                    (line.Stream == LogStream.Stderr ? Console.Error : Console.Out).WriteLine(line.Text);
            return 0;
        });
    }
}
