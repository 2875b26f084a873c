using MlPipelines.Pipelines.Plan;
using MlPipelines.Runner.Execution;

namespace MlPipelines.Runner.Caching;

/// <summary>The parts of a step's cache key as the plan fixes them (for review and documentation).</summary>
public static class StepKeyParts
{
    /// <summary>
    /// The cache key parts of <paramref name="step"/>: its fingerprint, environment hash and parameter values as
    /// they are, and for inputs and the code snapshot where their content hash is taken from at run time.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Of(PipelinePlan plan, PlanStep step)
    {
        var inputs = step.Inputs.Where(i => i.Source is not ParameterSource)
            .ToDictionary(i => i.Name, i => new StepInput(i.Name, i.Type, null, null, $"<content hash of {i.Source}>", null), StringComparer.Ordinal);
        return CacheKeys.Parts(plan, step, inputs, "<hash of the pipeline project's source files>");
    }
}
