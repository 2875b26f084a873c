using MlPipelines.Core.Errors;
using MlPipelines.Core.Registry;
using MlPipelines.Pipelines.Plan;
using MlPipelines.Runner.Execution;

namespace MlPipelines.Executors;

/// <summary>
/// Executes <c>register</c> steps: registers the model input as a new version (from the producing run's output, so
/// lineage reaches run → pipeline run → datasets → snapshot → environment), tags it with the pipeline run and the
/// evaluation run that gated it, moves the step's aliases (e.g. <c>challenger</c>) and sets the output to <c>name:version</c>.
/// Step settings: <c>flavor</c> (e.g. <c>.With("flavor", "dotnet")</c>). A <c>signature.json</c> among the model files becomes the signature.
/// </summary>
public sealed class RegisterExecutor : StepExecutor<RegisterPlanStep>
{
    /// <inheritdoc />
    protected override Task<StepResult> ExecuteAsync(StepContext ctx, RegisterPlanStep settings)
    {
        if (!ctx.Inputs.TryGetValue(settings.ModelInput, out var input))
            throw MlpException.Invalid($"Step '{ctx.Step.Name}' has no input '{settings.ModelInput}'; inputs: {string.Join(", ", ctx.Inputs.Keys.Select(k => $"'{k}'"))}.");
        var outputName = PipelineSteps.OutputName(PipelineSteps.SourceOf(ctx.Step, settings.ModelInput));

        var tags = new Dictionary<string, string>(settings.Tags, StringComparer.Ordinal)
        {
            ["mlp.pipeline"] = ctx.Plan.Pipeline,
            ["mlp.pipeline_run"] = ctx.ParentRunId,
            ["mlp.register_run"] = ctx.RunId,
        };
        foreach (var evaluation in PipelineSteps.GatingEvaluations(ctx, settings.ModelInput))
            if (PipelineSteps.SiblingRun(ctx, evaluation.Name) is { } run)
            {
                tags[ChampionResolver.EvaluationRunTag] = run.ReusedFrom ?? run.Id;
                break;
            }

        var fromRun = input.ProducerRunId is not null && outputName is not null;
        var version = ctx.Workspace.Models.Register(new NewModelVersion
        {
            Name = settings.ModelName,
            RunId = fromRun ? input.ProducerRunId : null,
            RunOutputPath = fromRun ? outputName : null,
            LocalPath = fromRun ? null : input.Path ?? throw MlpException.Invalid($"Step '{ctx.Step.Name}': input '{settings.ModelInput}' has no files to register."),
            Flavor = ctx.Step.Settings?.GetValueOrDefault("flavor"),
            Description = ctx.Step.Settings?.GetValueOrDefault("description"),
            SignatureJson = Signature(input.Path),
            Tags = tags,
            CreatedBy = Environment.UserName,
        });
        var reference = $"{version.Name}:{version.Version}";
        ctx.Log.Info($"registered model {reference} ({version.Files.Count} file(s){(fromRun ? $" from run {input.ProducerRunId} output '{outputName}'" : "")})");
        foreach (var alias in settings.Aliases)
        {
            var change = ctx.Workspace.Models.SetAlias(version.Name, alias, version.Version, Environment.UserName,
                $"registered by pipeline '{ctx.Plan.Pipeline}' (run {ctx.ParentRunId}, step '{ctx.Step.Name}')");
            ctx.Log.Info($"{version.Name}@{alias}: {Show(change.FromVersion)} → {change.ToVersion}");
        }
        ctx.Workspace.Runs.SetTags(ctx.RunId, new Dictionary<string, string> { ["mlp.model"] = reference });
        ctx.SetOutputValue(ctx.Step.Outputs.FirstOrDefault(o => o.Type == "registered-model")?.Name ?? "model", reference);
        return Task.FromResult(StepResult.Success);
    }

    private static string? Signature(string? modelPath)
    {
        if (modelPath is null || !Directory.Exists(modelPath)) return null;
        var file = Path.Combine(modelPath, "signature.json");
        return File.Exists(file) ? File.ReadAllText(file) : null;
    }

    internal static string Show(int? version) => version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)";
}
