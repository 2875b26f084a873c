using System.CommandLine;
using MlPipelines.Cli.Infrastructure;
using MlPipelines.Core.Runs;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp run submit|list|show|metrics|logs|download|cancel|delete|restore</c>.</summary>
internal static class RunCommands
{
    public static Command Build() => new Command("run", "Submit, query and inspect runs.").With(
        RunSubmitCommand.Build(),
        BuildList(),
        BuildShow(),
        BuildMetrics(),
        RunLogsCommand.Build(),
        RunDownloadCommand.Build(),
        RunCancelCommand.Build(),
        RunLifecycleCommands.Delete(),
        RunLifecycleCommands.Restore());

    private static Command BuildList()
    {
        var experiment = new Option<string?>("--experiment", "-e") { Description = "Only runs of this experiment." };
        var filter = new Option<string?>("--filter") { Description = "e.g. \"metrics.accuracy > 0.9 and (params.lr = '0.1' or tags.team = 'a')\"; fields: metrics.X, params.X, tags.X, attributes.(status|name|start_time|duration)." };
        var orderBy = new Option<string?>("--order-by") { Description = "e.g. \"metrics.accuracy desc\"." };
        var max = new Option<int>("--max") { Description = "Maximum number of runs.", DefaultValueFactory = _ => 100 };
        var parent = new Option<string?>("--parent") { Description = "Only child runs of this run (e.g. the steps of a pipeline run)." };
        var lifecycle = new Option<RunLifecycle>("--lifecycle") { Description = "Active runs (the default), deleted ones, or all.", DefaultValueFactory = _ => RunLifecycle.Active };
        return new Command("list", "List runs, filtered and ordered.").With(experiment, filter, orderBy, max, parent, lifecycle).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var runs = ws.Runs.QueryRuns(new RunQuery
            {
                Experiment = ctx.Get(experiment), Filter = ctx.Get(filter), OrderBy = ctx.Get(orderBy),
                Max = ctx.Get(max), ParentRunId = ctx.Get(parent), Lifecycle = ctx.Get(lifecycle),
            });
            var metricNames = runs.SelectMany(r => r.LatestMetrics.Keys).Distinct().Order().Take(4).ToList();
            var columns = new List<(string, Func<RunInfo, string?>)>
            {
                ("Run", r => r.Id), ("Name", r => r.DisplayName), ("Experiment", r => r.Experiment),
                ("Status", r => r.Status.ToString()), ("Started", r => CliOutput.Format(r.StartedAt)), ("Duration", r => CliOutput.Format(r.Duration)),
            };
            columns.AddRange(metricNames.Select(m => (m, (Func<RunInfo, string?>)(r => r.LatestMetrics.TryGetValue(m, out var v) ? CliOutput.Format(v) : ""))));
            ctx.Output.List(runs, columns.ToArray());
            return 0;
        });
    }

    private static Command BuildShow()
    {
        var id = new Argument<string>("run-id") { Description = "The run id." };
        return new Command("show", "Show a run: status, params, tags, latest metrics, outputs, children.").With(id).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var run = ws.Runs.GetRun(ctx.Get(id));
            var outputs = ws.Runs.GetOutputs(run.Id);
            var children = ws.Runs.QueryRuns(new RunQuery { ParentRunId = run.Id, OrderBy = "attributes.start_time asc", Lifecycle = RunLifecycle.All, Max = 10_000 });
            // A sweep lists its trials ranked by its objective (best first; trials without it last).
            var objective = run.Tags.GetValueOrDefault("mlp.sweep.objective")?.Split(':');
            if (objective is [var metric, var goal])
                children = children.OrderBy(c => c.LatestMetrics.ContainsKey(metric) ? 0 : 1)
                    .ThenBy(c => c.LatestMetrics.TryGetValue(metric, out var v) ? (goal == "maximize" ? -v : v) : 0).ToList();
            var datasets = ws.Runs.GetDatasetInputs(run.Id);
            var lines = new List<(string, string?)>
            {
                ("Run", run.Id), ("Name", run.DisplayName), ("Experiment", run.Experiment), ("Kind", run.Kind),
                ("Status", run.StatusReason is null ? run.Status.ToString() : $"{run.Status} ({run.StatusReason})"),
                ("Started", CliOutput.Format(run.StartedAt)), ("Ended", CliOutput.Format(run.EndedAt)), ("Duration", CliOutput.Format(run.Duration)),
                ("Parent", run.ParentRunId), ("Reused from", run.ReusedFrom), ("Snapshot", run.SnapshotHash),
                ("Deleted", run.DeletedAt is null ? null : CliOutput.Format(run.DeletedAt)),
            };
            lines.AddRange(run.Params.OrderBy(p => p.Key).Select(p => ($"param {p.Key}", (string?)p.Value)));
            lines.AddRange(run.Tags.OrderBy(p => p.Key).Select(p => ($"tag {p.Key}", (string?)p.Value)));
            lines.AddRange(run.LatestMetrics.OrderBy(p => p.Key).Select(p => ($"metric {p.Key}", (string?)CliOutput.Format(p.Value))));
            lines.AddRange(datasets.Select(d => ("dataset", (string?)$"{d.Dataset}:{d.Version}")));
            var described = ws.Runs.GetExternalDatasetInputs([run.Id]).GetValueOrDefault(run.Id) ?? [];
            lines.AddRange(described.Select(d => ("dataset (described)", (string?)$"{d.Name} {d.Digest} {d.SourceType} {d.Source}")));
            lines.AddRange(outputs.Select(o => ("output", (string?)$"{o.Path} ({CliOutput.Size(o.Size)})")));
            if (objective is [var m, _])
                lines.AddRange(children.Select((c, i) => ($"trial #{i + 1}", (string?)($"{c.Id} {c.DisplayName} {c.Status} " +
                    (c.LatestMetrics.TryGetValue(m, out var v) ? $"{m}={CliOutput.Format(v)} " : "") + string.Join(" ", c.Params.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")) +
                    (c.StatusReason is null ? "" : $" ({c.StatusReason})")))));
            else lines.AddRange(children.Select(c => ("child", (string?)$"{c.Id} {c.DisplayName} {c.Status}{(c.StatusReason is null ? "" : $" ({c.StatusReason})")}")));
            ctx.Output.Item(new { run, outputs, datasets = datasets.Select(d => new { d.Dataset, d.Version }), describedDatasets = described, children }, lines.Where(l => l.Item2 is not null));
            return 0;
        });
    }

    private static Command BuildMetrics()
    {
        var id = new Argument<string>("run-id") { Description = "The run id." };
        var name = new Option<string?>("--name") { Description = "Only this metric (full history)." };
        return new Command("metrics", "Print the metric history of a run.").With(id, name).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var points = ws.Runs.GetMetrics(ws.Runs.GetRun(ctx.Get(id)).Id, ctx.Get(name));
            ctx.Output.List(points, ("Metric", p => p.Name), ("Step", p => p.Step.ToString()), ("Value", p => CliOutput.Format(p.Value)), ("Time", p => CliOutput.Format(p.Timestamp)));
            return 0;
        });
    }
}
