using MlPipelines.Pipelines.Plan;
using MlPipelines.Runner.Execution;

namespace MlPipelines.Runner.Tests;

/// <summary>A stand-in evaluate executor with a fixed accuracy (the real one lives in MlPipelines.Evaluation).</summary>
internal sealed class FixedEvaluateExecutor(double accuracy) : StepExecutor<EvaluatePlanStep>
{
    protected override Task<StepResult> ExecuteAsync(StepContext ctx, EvaluatePlanStep step)
    {
        var passed = step.Requirements.All(r => accuracy >= r.Value);
        File.WriteAllText(Path.Combine(ctx.OutputPaths["metrics"], "metrics.json"), $"{{\"accuracy\":{accuracy}}}");
        ctx.SetOutcome("passed", passed);
        return Task.FromResult(StepResult.Success);
    }
}

/// <summary>Records register steps by setting their reference output.</summary>
internal sealed class ReferenceExecutor : StepExecutor<RegisterPlanStep>
{
    protected override Task<StepResult> ExecuteAsync(StepContext ctx, RegisterPlanStep step)
    {
        ctx.SetOutputValue(step.Outputs[0].Name, "m:1");
        return Task.FromResult(StepResult.Success);
    }
}

/// <summary>Records image steps by setting their reference output.</summary>
internal sealed class ImageReferenceExecutor : StepExecutor<ImagePlanStep>
{
    protected override Task<StepResult> ExecuteAsync(StepContext ctx, ImagePlanStep step)
    {
        ctx.SetOutputValue(step.Outputs[0].Name, "img@sha256:0");
        return Task.FromResult(StepResult.Success);
    }
}
