using MlPipelines.Core.Errors;
using MlPipelines.Core.Registry;
using MlPipelines.Pipelines.Plan;
using MlPipelines.Runner.Execution;

namespace MlPipelines.Executors;

/// <summary>
/// Executes <c>promote</c> steps: moves an alias (e.g. <c>champion</c>) to the registered model version of its input.
/// The alias history records who, when, from, to and why — the why being the pipeline run and the decision of the
/// evaluate step gating this one (e.g. <c>accuracy 0.95 &gt; champion 0.93 (iris:2) + 0.00</c>).
/// </summary>
public sealed class PromoteExecutor : StepExecutor<PromotePlanStep>
{
    /// <inheritdoc />
    protected override Task<StepResult> ExecuteAsync(StepContext ctx, PromotePlanStep settings)
    {
        if (!ctx.Inputs.TryGetValue(settings.ModelInput, out var input) || string.IsNullOrEmpty(input.Value))
            throw MlpException.Invalid($"Step '{ctx.Step.Name}' needs a registered model (NAME:VERSION) as input '{settings.ModelInput}'.");
        var target = ctx.Workspace.Models.Get(ModelRef.Parse(input.Value));
        var current = Current(ctx, target.Name, settings.Alias);
        if (current == target.Version)
        {
            ctx.Log.Info($"{target.Name}@{settings.Alias} already points at version {target.Version}; nothing to move");
            return Task.FromResult(new StepResult(true, $"{target.Name}@{settings.Alias} already {target.Version}"));
        }

        var reason = Reason(ctx);
        var change = ctx.Workspace.Models.SetAlias(target.Name, settings.Alias, target.Version, Environment.UserName, reason);
        ctx.Workspace.Runs.SetTags(ctx.RunId, new Dictionary<string, string>
        {
            ["mlp.promote.model"] = target.Name,
            ["mlp.promote.alias"] = settings.Alias,
            ["mlp.promote.from"] = RegisterExecutor.Show(change.FromVersion),
            ["mlp.promote.to"] = RegisterExecutor.Show(change.ToVersion),
        });
        var summary = $"{target.Name}@{settings.Alias}: {RegisterExecutor.Show(change.FromVersion)} → {change.ToVersion}";
        ctx.Log.Info($"{summary} ({reason})");
        return Task.FromResult(new StepResult(true, summary));
    }

    private static int? Current(StepContext ctx, string model, string alias)
    {
        try { return ctx.Workspace.Models.Get(new ModelRef(model, null, alias)).Version; }
        catch (MlpException e) when (e.Kind == ErrorKind.NotFound) { return null; }
    }

    /// <summary>"pipeline 'iris' run R: accuracy 0.95 > champion 0.93 (iris:2) + 0.00" — the gate summaries of the evaluate steps gating this one.</summary>
    private static string Reason(StepContext ctx)
    {
        var gates = PipelineSteps.GatingEvaluations(ctx, null)
            .Select(e => PipelineSteps.SiblingRun(ctx, e.Name) is { } r ? Original(ctx, r).Tags.GetValueOrDefault(EvaluateExecutor.GateSummaryTag) : null)
            .Where(s => !string.IsNullOrEmpty(s))
            .ToList();
        var origin = $"pipeline '{ctx.Plan.Pipeline}' run {ctx.ParentRunId}";
        return gates.Count == 0 ? origin : $"{origin}: {string.Join("; ", gates)}";
    }

    /// <summary>A reused step run carries no gate tags; its original run does.</summary>
    private static Core.Runs.RunInfo Original(StepContext ctx, Core.Runs.RunInfo run) =>
        run.ReusedFrom is { } id ? ctx.Workspace.Runs.FindRun(id) ?? run : run;
}
