using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Pipelines.Compiler;
using MlPipelines.Pipelines.Plan;
using MlPipelines.Runner.Caching;
using MlPipelines.Runner.Execution;

namespace MlPipelines.Runner;

/// <summary>Whether a step would run or be reused.</summary>
public enum StepDecision
{
    /// <summary>The step would execute.</summary>
    Run,
    /// <summary>A cached result would be reused.</summary>
    Reuse,
}

/// <summary>What <c>plan</c> says about one step.</summary>
/// <param name="Step">Step name.</param>
/// <param name="Decision">Run or reuse.</param>
/// <param name="Note">Why, in short ("no earlier run", "upstream 'x' will run", "cache key changed", "reuse disabled"…).</param>
/// <param name="Changes">Which cache key parts changed since the step's latest run (command, input 'x' content hash, code snapshot, environment, parameter 'p').</param>
/// <param name="ReuseFrom">The run whose results would be reused.</param>
public sealed record StepExplanation(string Step, StepDecision Decision, string Note, IReadOnlyList<string> Changes, string? ReuseFrom);

/// <summary>Predicts, without running anything, which steps of a plan would run and why (conditions are not evaluated).</summary>
public static class PlanExplainer
{
    /// <summary>Explains a compiled pipeline.</summary>
    public static IReadOnlyList<StepExplanation> Explain(CompiledPipeline compiled, PipelineRunOptions options) => Explain(compiled.Plan, options);

    /// <summary>Explains a plan: for each step, run or reuse, and for a run caused by a changed key, which parts changed.</summary>
    public static IReadOnlyList<StepExplanation> Explain(PipelinePlan plan, PipelineRunOptions options)
    {
        var ws = options.Workspace;
        var resolver = new InputResolver(ws, plan, options.BaseDirectory);
        var outputs = new Dictionary<string, IReadOnlyDictionary<string, ResolvedOutput>?>(StringComparer.Ordinal);
        var result = new List<StepExplanation>();
        foreach (var step in plan.Steps)
        {
            outputs[step.Name] = null;
            var running = step.Inputs.Where(i => i.Source.StartsWith("step:", StringComparison.Ordinal))
                .Select(i => InputResolver.SplitStepSource(i.Source).Step).Where(p => outputs.GetValueOrDefault(p) is null).Distinct().ToList();
            if (running.Count > 0)
            {
                result.Add(new StepExplanation(step.Name, StepDecision.Run, $"upstream {string.Join(", ", running.Select(r => $"'{r}'"))} will run", [], null));
                continue;
            }
            SortedDictionary<string, string> parts;
            try
            {
                parts = CacheKeys.Parts(plan, step, resolver.Resolve(step, n => outputs.GetValueOrDefault(n), materialize: false), options.SourceHash);
            }
            catch (MlpException e)
            {
                result.Add(new StepExplanation(step.Name, StepDecision.Run, "inputs cannot be resolved: " + e.Message, [], null));
                continue;
            }
            if (!step.AllowReuse) { result.Add(new(step.Name, StepDecision.Run, "reuse disabled for this step", [], null)); continue; }
            if (options.Force) { result.Add(new(step.Name, StepDecision.Run, "--force", [], null)); continue; }
            var entry = ws.Cache.Find(CacheKeys.Key(parts));
            var run = entry is null ? null : ws.Runs.FindRun(entry.RunId);
            if (run is { Status: RunStatus.Completed })
            {
                outputs[step.Name] = OutputStore.FromRun(ws, run, step);
                result.Add(new StepExplanation(step.Name, StepDecision.Reuse, "unchanged", [], run.ReusedFrom ?? run.Id));
                continue;
            }
            var latest = ws.Cache.Latest(plan.Pipeline, step.Name);
            result.Add(latest is null
                ? new StepExplanation(step.Name, StepDecision.Run, "no earlier run", [], null)
                : new StepExplanation(step.Name, StepDecision.Run, "cache key changed", CacheKeys.Explain(latest.KeyParts, parts), null));
        }
        return result;
    }
}
