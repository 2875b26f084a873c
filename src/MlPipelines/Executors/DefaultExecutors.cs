using MlPipelines.Compute;
using MlPipelines.Runner.Execution;

namespace MlPipelines.Executors;

/// <summary>Every built-in executor beyond command/train/code: evaluate, register, promote, image and deploy.</summary>
public static class DefaultExecutors
{
    /// <summary>The built-in executors; a pipeline program's own executors (added after these) replace them by kind.</summary>
    /// <param name="computes">Compute targets for evaluate steps that run a user command (default: local only).</param>
    /// <param name="failOnGate">A failed gate fails the pipeline (<c>--fail-on-gate</c>) instead of skipping the steps it gates.</param>
    public static IReadOnlyList<IStepExecutor> Create(ComputeTargetRegistry? computes = null, bool failOnGate = false) =>
    [
        .. RegistryExecutors.Create(computes, failOnGate),
        new ImageExecutor(),
        new DeployExecutor(),
    ];
}
