using System.CommandLine;
using MlPipelines.Core.Errors;
using MlPipelines.Runner;

namespace MlPipelines.Hosting;

/// <summary>
/// <c>plan</c>: per step, run, reuse or skip, and which cache key part changed. Read-only: it registers no dataset,
/// downloads nothing and writes nothing to the workspace (nor creates one).
/// </summary>
internal static class PlanCommand
{
    public static Command Build(PipelineHost host)
    {
        var common = new CommonOptions();
        var command = new Command("plan", "Show which steps would run and which would be reused, and why.");
        foreach (var o in common.All) command.Options.Add(o);
        command.SetAction((parse, _) => host.GuardAsync(() =>
        {
            var baseDir = common.BaseDirectoryOf(parse, host);
            using var ws = host.TryOpenWorkspace(parse.GetValue(common.Workspace), baseDir);
            var compiled = CommittedPlan.Resolve(host, common.Parameters(parse), allowStale: true, host.Catalog(ws));
            if (compiled.Tags.TryGetValue(CommittedPlan.StaleTag, out var stale))
                host.Error.WriteLine($"warning: the committed plan is stale ({stale}); showing the definition. 'run' refuses a stale plan: run '{CommittedPlan.FixCommand(host)}'.");
            if (ws is null)
            {
                var w = compiled.Plan.Steps.Max(s => s.Name.Length);
                foreach (var s in compiled.Plan.Steps) host.Out.WriteLine($"{s.Name.PadRight(w)}  run    (no workspace yet)");
                return Task.FromResult(ExitCodes.Success);
            }
            var options = new PipelineRunOptions
            {
                Workspace = ws,
                BaseDirectory = baseDir,
                Force = parse.GetValue(common.Force),
                SourceHash = host.SourceHash(ws, compiled.Plan, baseDir, remember: false),
                Environments = Environments.EnvironmentService.ForRun(ws, baseDir),
            };
            var width = compiled.Plan.Steps.Max(s => s.Name.Length);
            foreach (var e in PlanExplainer.Explain(compiled.Plan, options))
            {
                var what = e.Decision switch
                {
                    StepDecision.Reuse => $"reuse  (from run {e.ReuseFrom})",
                    StepDecision.Skip => $"skip   ({e.Note})",
                    _ => $"run    ({e.Note})",
                };
                host.Out.WriteLine($"{e.Step.PadRight(width)}  {what}");
                foreach (var c in e.Changes) host.Out.WriteLine($"{new string(' ', width)}    - {c}");
            }
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }
}
