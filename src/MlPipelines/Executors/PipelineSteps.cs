using MlPipelines.Core.Runs;
using MlPipelines.Pipelines.Plan;
using MlPipelines.Runner.Execution;

namespace MlPipelines.Executors;

/// <summary>Lookups across the steps of the running pipeline: sibling step runs and the evaluate steps that gate a step.</summary>
internal static class PipelineSteps
{
    /// <summary>Tag the runner puts on every step run with the step's name.</summary>
    public const string StepTag = "mlp.step";

    /// <summary>The run of step <paramref name="stepName"/> in the current pipeline run, or null.</summary>
    public static RunInfo? SiblingRun(StepContext ctx, string stepName) =>
        ctx.Workspace.Runs.QueryRuns(new RunQuery { ParentRunId = ctx.ParentRunId, Max = 100_000 })
            .Where(r => r.Tags.TryGetValue(StepTag, out var s) && s == stepName)
            .OrderByDescending(r => r.CreatedAt)
            .FirstOrDefault();

    /// <summary>
    /// The evaluate steps deciding about this step: those it is conditioned on, else those evaluating the same model
    /// input (same upstream output) as <paramref name="modelInputKey"/>.
    /// </summary>
    public static IReadOnlyList<PlanStep> GatingEvaluations(StepContext ctx, string? modelInputKey)
    {
        var byName = ctx.Plan.Steps.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var conditioned = ctx.Step.Conditions
            .Where(c => c.Step is not null && byName.TryGetValue(c.Step, out var s) && s.Kind == "evaluate")
            .Select(c => byName[c.Step!]).Distinct().ToList();
        if (conditioned.Count > 0 || modelInputKey is null) return conditioned;
        var source = SourceOf(ctx.Step, modelInputKey);
        return ctx.Plan.Steps
            .Where(s => s.Kind == "evaluate" && s.Evaluate is { } e && SourceOf(s, e.ModelInput) == source && source is not null)
            .ToList();
    }

    /// <summary>Where an input of a step comes from (<c>step:train/model</c> or <c>data:iris</c>).</summary>
    public static string? SourceOf(PlanStep step, string inputKey) => step.Inputs.FirstOrDefault(i => i.Name == inputKey)?.Source;

    /// <summary>The output name of a <c>step:NAME/OUTPUT</c> source, or null for data sources.</summary>
    public static string? OutputName(string? source) =>
        source is not null && source.StartsWith("step:", StringComparison.Ordinal) && source.IndexOf('/') is var slash and > 0 ? source[(slash + 1)..] : null;
}
