using MlPipelines.Compute;
using MlPipelines.Core.Errors;
using MlPipelines.Pipelines.Plan;

namespace MlPipelines.Runner.Execution;

/// <summary>Runs <c>command</c> and <c>train</c> steps as processes on their compute target.</summary>
public sealed class CommandExecutor(ComputeTargetRegistry computes) : StepExecutor<ProcessPlanStep>
{
    /// <inheritdoc />
    protected override Task<StepResult> ExecuteAsync(StepContext context, ProcessPlanStep step) =>
        RunAsync(context, step.Command, step.Compute, computes);

    /// <summary>Renders <paramref name="template"/> and runs it on <paramref name="compute"/>, its output going to the step's log.</summary>
    public static async Task<StepResult> RunAsync(StepContext ctx, IReadOnlyList<string> template, string? compute, ComputeTargetRegistry computes)
    {
        var rendered = template.Select(ctx.Render).ToList();
        var target = computes.Get(compute ?? "local");
        var job = new ComputeJob(rendered[0], rendered.Skip(1).ToList())
        {
            WorkingDirectory = ctx.BaseDirectory,
            Environment = EnvironmentFor(ctx),
            KillGracePeriod = ctx.KillGracePeriod,
        };
        ctx.Log.Info($"$ {job}");
        var result = await target.RunAsync(job, new ComputeObserver
        {
            OnStarted = s => ctx.Workspace.Runs.SetProcess(ctx.RunId, s.ProcessId, s.Host),
            OnOutput = line => ctx.Log.Write(line.Stream, line.Text, line.Timestamp, line.InvalidUtf8),
        }, ctx.CancellationToken).ConfigureAwait(false);
        return result.Succeeded ? StepResult.Success : StepResult.Failure(result.Reason());
    }

    /// <summary>The variables a step process gets (same names as <c>mlp run submit</c>).</summary>
    internal static Dictionary<string, string?> EnvironmentFor(StepContext ctx)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["MLP_RUN_ID"] = ctx.RunId,
            ["MLP_PARENT_RUN_ID"] = ctx.ParentRunId,
            ["MLP_EXPERIMENT"] = ctx.Experiment,
            ["MLP_OUTPUT_DIR"] = ctx.OutputDirectory,
            ["MLP_PIPELINE"] = ctx.Plan.Pipeline,
            ["MLP_STEP"] = ctx.Step.Name,
        };
        foreach (var (k, v) in ctx.Workspace.ProcessEnvironment(ctx.RunId)) env[k] = v; // MLP_WORKSPACE (+ a run-scoped token when remote)
        return env;
    }
}
