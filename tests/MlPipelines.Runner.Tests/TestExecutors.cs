using MlPipelines.Runner.Execution;

namespace MlPipelines.Runner.Tests;

/// <summary>A stand-in evaluate executor with a fixed accuracy (the real one lives in MlPipelines.Evaluation).</summary>
internal sealed class FixedEvaluateExecutor(double accuracy) : IStepExecutor
{
    public IReadOnlyList<string> Kinds { get; } = ["evaluate"];

    public Task<StepResult> ExecuteAsync(StepContext ctx)
    {
        var passed = ctx.Step.Evaluate!.Requirements.All(r => accuracy >= r.Value);
        File.WriteAllText(Path.Combine(ctx.OutputPaths["metrics"], "metrics.json"), $"{{\"accuracy\":{accuracy}}}");
        ctx.SetOutcome("passed", passed);
        return Task.FromResult(StepResult.Success);
    }
}

/// <summary>Records register/image steps by setting their reference outputs.</summary>
internal sealed class ReferenceExecutor : IStepExecutor
{
    public IReadOnlyList<string> Kinds { get; } = ["register", "image"];

    public Task<StepResult> ExecuteAsync(StepContext ctx)
    {
        ctx.SetOutputValue(ctx.Step.Outputs[0].Name, ctx.Step.Kind == "register" ? "m:1" : "img@sha256:0");
        return Task.FromResult(StepResult.Success);
    }
}
