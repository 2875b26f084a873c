using MlPipelines.Pipelines.Compiler;
using MlPipelines.Pipelines.Plan;
using MlPipelines.Runner.Scheduling;

namespace MlPipelines.Runner;

/// <summary>
/// Executes a <see cref="PipelinePlan"/> against a workspace: a parent run (kind "pipeline") and a child run per step
/// (kind "step", tag <c>mlp.step</c>), ready steps in parallel, cached results reused, retries, timeouts, resume and
/// clean cancellation (running process trees killed, runs Canceled).
/// </summary>
public static class PipelineRunner
{
    /// <summary>Runs a compiled pipeline (its code step delegates are taken from <paramref name="compiled"/>).</summary>
    public static Task<PipelineRunResult> RunAsync(CompiledPipeline compiled, PipelineRunOptions options, CancellationToken cancellationToken = default) =>
        RunAsync(compiled.Plan, options with { CodeSteps = compiled.CodeSteps }, cancellationToken);

    /// <summary>
    /// Runs a plan. Invalid plans/options throw an InvalidInput <see cref="Core.Errors.MlpException"/> before any run is
    /// created; step failures and cancellation are reported in the result (see <see cref="PipelineRunResult.ExitCode"/>).
    /// </summary>
    public static Task<PipelineRunResult> RunAsync(PipelinePlan plan, PipelineRunOptions options, CancellationToken cancellationToken = default) =>
        new PipelineExecution(plan, options).RunAsync(cancellationToken);
}
