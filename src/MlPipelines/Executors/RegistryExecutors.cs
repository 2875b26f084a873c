using MlPipelines.Compute;
using MlPipelines.Runner.Execution;

namespace MlPipelines.Executors;

/// <summary>The executors of the evaluate, register and promote step kinds, for <c>PipelineAppOptions.Executors</c>.</summary>
public static class RegistryExecutors
{
    /// <summary>Evaluate (built-in evaluator or a command on <paramref name="computes"/>), register and promote executors.</summary>
    /// <param name="computes">Compute targets for evaluate steps that run a user command (default: local only).</param>
    /// <param name="failOnGate">A failed gate fails the pipeline (<c>--fail-on-gate</c>) instead of skipping the steps it gates.</param>
    public static IReadOnlyList<IStepExecutor> Create(ComputeTargetRegistry? computes = null, bool failOnGate = false) =>
    [
        new EvaluateExecutor(computes ?? ComputeTargetRegistry.CreateDefault()) { FailOnGate = failOnGate },
        new RegisterExecutor(),
        new PromoteExecutor(),
    ];
}
