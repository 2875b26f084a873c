using MlPipelines.Containers;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Registry;
using MlPipelines.Images;
using MlPipelines.Pipelines.Plan;
using MlPipelines.Runner.Execution;

namespace MlPipelines.Executors;

/// <summary>
/// Executes <c>image</c> steps: renders the scoring image of the registered model input and builds it through the
/// Docker engine at DOCKER_HOST (an unchanged model is not rebuilt). Without an engine the context is rendered and
/// recorded, and the step still succeeds. The output value is the image tag (which the deploy step looks up in the
/// workspace's image records); the step run gets tags <c>mlp.image.tag</c>, <c>mlp.image.state</c>, <c>mlp.image.context</c>.
/// Step settings: <c>baseImage</c>, <c>push</c> (REGISTRY/REPO). A <c>templates/</c> folder in the run's base
/// directory overrides the built-in templates.
/// </summary>
public sealed class ImageExecutor : StepExecutor<ImagePlanStep>
{
    /// <summary>Docker engine to use; null reads DOCKER_HOST.</summary>
    public DockerEndpoint? Engine { get; init; }

    /// <summary>The scoring host assembly; null locates it like local deployments do.</summary>
    public string? HostAssembly { get; init; }

    /// <inheritdoc />
    protected override async Task<StepResult> ExecuteAsync(StepContext ctx, ImagePlanStep settings)
    {
        if (!ctx.Inputs.TryGetValue(settings.ModelInput, out var input) || string.IsNullOrEmpty(input.Value))
            throw MlpException.Invalid($"Step '{ctx.Step.Name}' needs a registered model (NAME:VERSION) as input '{settings.ModelInput}'.");
        var templates = Path.Combine(ctx.BaseDirectory, "templates");
        var options = new ImageOptions
        {
            BaseImage = ctx.Step.Settings?.GetValueOrDefault("baseImage"),
            PushRepository = ctx.Step.Settings?.GetValueOrDefault("push"),
            TemplatesDirectory = Directory.Exists(templates) ? templates : null,
            HostAssembly = HostAssembly,
        };
        var result = await new ImageService(ctx.Workspace, Engine)
            .BuildAsync(ModelRef.Parse(input.Value), options, line => ctx.Log.Info(line), ctx.CancellationToken).ConfigureAwait(false);

        ctx.Workspace.Runs.SetTags(ctx.RunId, new Dictionary<string, string>
        {
            ["mlp.image.tag"] = result.Record.Tag,
            ["mlp.image.state"] = result.Record.State,
            ["mlp.image.context"] = result.Context.Directory,
            ["mlp.model"] = $"{result.Record.Model}:{result.Record.ModelVersion}",
        });
        ctx.Log.Info(result.Message);
        ctx.SetOutputValue(ctx.Step.Outputs.FirstOrDefault(o => o.Type == "image")?.Name ?? "image", result.Record.Tag);
        return new StepResult(true, result.Message);
    }
}
