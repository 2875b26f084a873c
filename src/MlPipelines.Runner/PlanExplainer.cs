using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Pipelines.Compiler;
using MlPipelines.Pipelines.Plan;
using MlPipelines.Runner.Caching;
using MlPipelines.Runner.Execution;
using MlPipelines.Runner.Scheduling;

namespace MlPipelines.Runner;

/// <summary>Whether a step would run, be reused or be skipped.</summary>
public enum StepDecision
{
    /// <summary>The step would execute.</summary>
    Run,
    /// <summary>A cached result would be reused.</summary>
    Reuse,
    /// <summary>The step would be skipped (false condition on known values, failed or skipped upstream).</summary>
    Skip,
}

/// <summary>What <c>plan</c> says about one step.</summary>
/// <param name="Step">Step name.</param>
/// <param name="Decision">Run, reuse or skip.</param>
/// <param name="Note">Why, in short ("no earlier run", "upstream 'x' will run", "cache key changed", "reuse disabled"…).</param>
/// <param name="Changes">Which cache key parts changed since the step's latest run (definition, input 'x' content hash, code, environment, parameter 'p').</param>
/// <param name="ReuseFrom">The run whose results would be reused.</param>
public sealed record StepExplanation(string Step, StepDecision Decision, string Note, IReadOnlyList<string> Changes, string? ReuseFrom);

/// <summary>
/// Predicts, without running or writing anything, which steps of a plan would run and why. It asks the same decision
/// function as the runner; conditions on the outcome of a step that would run are left for the run to decide.
/// </summary>
public static class PlanExplainer
{
    /// <summary>Explains a compiled pipeline.</summary>
    public static IReadOnlyList<StepExplanation> Explain(CompiledPipeline compiled, PipelineRunOptions options) => Explain(compiled.Plan, options);

    /// <summary>Explains a plan: for each step, run, reuse or skip, and for a run caused by a changed key, which parts changed.</summary>
    public static IReadOnlyList<StepExplanation> Explain(PipelinePlan plan, PipelineRunOptions options)
    {
        var ws = options.Workspace;
        var resolver = new InputResolver(ws, plan, options.BaseDirectory, readOnly: true);
        var decider = new StepDecider(ws, plan, options.Force);
        var outputs = new Dictionary<string, IReadOnlyDictionary<string, ResolvedOutput>?>(StringComparer.Ordinal);
        var views = new Dictionary<string, UpstreamView>(StringComparer.Ordinal);
        var result = new List<StepExplanation>();
        UpstreamView View(string n) => views.GetValueOrDefault(n) ?? new UpstreamView(n, null, null, null, new Dictionary<string, string>());
        foreach (var step in plan.Steps)
        {
            outputs[step.Name] = null;
            if (decider.Skip(step, View) is { } skip)
            {
                views[step.Name] = new UpstreamView(step.Name, RunStatus.Skipped, skip.Note, skip.FailedRoot, new Dictionary<string, string>());
                result.Add(new StepExplanation(step.Name, StepDecision.Skip, skip.Note, [], null));
                continue;
            }
            var running = step.Inputs.Select(i => i.Source).OfType<StepOutputSource>()
                .Select(s => s.Step).Where(p => outputs.GetValueOrDefault(p) is null).Distinct().ToList();
            if (running.Count > 0)
            {
                result.Add(new StepExplanation(step.Name, StepDecision.Run, $"upstream {string.Join(", ", running.Select(r => $"'{r}'"))} will run", [], null));
                continue;
            }
            IReadOnlyDictionary<string, string> parts;
            try
            {
                parts = CacheKeys.Parts(plan, step, resolver.Resolve(step, n => outputs.GetValueOrDefault(n), materialize: false), options.SourceHash,
                    e => options.Environments.VersionOf(e, options.BaseDirectory));
            }
            catch (MlpException e)
            {
                result.Add(new StepExplanation(step.Name, StepDecision.Run, "inputs cannot be resolved: " + e.Message, [], null));
                continue;
            }
            var decision = decider.Cache(step, parts);
            if (decision is { Kind: StepDecision.Reuse, ReuseFrom: { } run })
            {
                outputs[step.Name] = OutputStore.FromRun(ws, run, step);
                var outcomes = run.Tags.Where(t => t.Key.StartsWith(OutputStore.OutcomeTagPrefix, StringComparison.Ordinal))
                    .ToDictionary(t => t.Key[OutputStore.OutcomeTagPrefix.Length..], t => t.Value, StringComparer.Ordinal);
                views[step.Name] = new UpstreamView(step.Name, RunStatus.Completed, run.Tags.GetValueOrDefault("mlp.gate.summary") is { Length: > 0 } g && outcomes.GetValueOrDefault("passed") == "false" ? "gate: " + g : null, null, outcomes);
                result.Add(new StepExplanation(step.Name, StepDecision.Reuse, decision.Note, [], run.ReusedFrom ?? run.Id));
                continue;
            }
            result.Add(new StepExplanation(step.Name, StepDecision.Run, decision.Note, decision.Changes, null));
        }
        return result;
    }
}
