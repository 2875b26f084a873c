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
    public static IReadOnlyList<EvaluatePlanStep> GatingEvaluations(StepContext ctx, string? modelInputKey)
    {
        var evaluations = ctx.Plan.Steps.OfType<EvaluatePlanStep>().ToDictionary(s => s.Name, StringComparer.Ordinal);
        var conditioned = ctx.Step.Conditions
            .Select(c => c.Step is not null ? evaluations.GetValueOrDefault(c.Step) : null).OfType<EvaluatePlanStep>()
            .Distinct().ToList();
        if (conditioned.Count > 0 || modelInputKey is null) return conditioned;
        var source = SourceOf(ctx.Step, modelInputKey);
        if (source is null) return [];
        return ctx.Plan.Steps.OfType<EvaluatePlanStep>().Where(e => SourceOf(e, e.ModelInput) == source).ToList();
    }

    /// <summary>Where an input of a step comes from (a step output, a dataset or a parameter).</summary>
    public static PlanSource? SourceOf(PlanStep step, string inputKey) => step.Inputs.FirstOrDefault(i => i.Name == inputKey)?.Source;

    /// <summary>The output name of a step-output source, or null for other sources.</summary>
    public static string? OutputName(PlanSource? source) => source is StepOutputSource s ? s.Output : null;
}
