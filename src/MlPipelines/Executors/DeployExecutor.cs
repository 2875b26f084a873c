using MlPipelines.Core.Errors;
using MlPipelines.Core.Registry;
using MlPipelines.Endpoints.Daemon;
using MlPipelines.Endpoints.Services;
using MlPipelines.Runner.Execution;

namespace MlPipelines.Executors;

/// <summary>
/// Executes <c>deploy</c> steps as a safe rollout: creates the endpoint if needed, creates the deployment at 0%, waits
/// until healthy, smoke-tests it through the pinned header, then shifts traffic through the step's stages (ending at its
/// traffic) with error-rate and p95 checks, rolling back automatically when a check fails (the step then fails).
/// </summary>
public sealed class DeployExecutor : IStepExecutor
{
    /// <summary>Observation time of each traffic stage.</summary>
    public TimeSpan StageDuration { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Request sent through the pinned header before traffic moves (null: no smoke test).</summary>
    public string? SmokeRequest { get; init; } = "{}";
    /// <summary>Starts the endpoint daemon; null resolves <c>mlp</c> via <see cref="DaemonCommandResolver"/>.</summary>
    public DaemonCommand? Daemon { get; init; }

    /// <inheritdoc />
    public IReadOnlyList<string> Kinds => ["deploy"];

    /// <inheritdoc />
    public async Task<StepResult> ExecuteAsync(StepContext context)
    {
        var settings = context.Step.Deploy ?? throw MlpException.Invalid($"Step '{context.Step.Name}' is a deploy step without deploy settings in the plan.");
        var ws = context.Workspace;
        var image = context.Inputs.TryGetValue(settings.ImageInput, out var input) ? input.PathOrValue
            : throw MlpException.Invalid($"Step '{context.Step.Name}' has no input '{settings.ImageInput}'.");
        var (model, tag) = ws.Images.Find(image) is { } record ? ($"{record.Model}:{record.ModelVersion}", record.Tag) : (image, null);
        var endpoints = new EndpointsContext
        {
            Workspace = ws, Daemon = Daemon ?? DaemonCommandResolver.Resolve(ws.Info.Location), Who = $"pipeline run {context.ParentRunId}",
        };
        var endpointService = new EndpointService(endpoints);
        var ct = context.CancellationToken;
        if (ws.Endpoints.FindEndpoint(settings.Endpoint) is null)
        {
            var created = await endpointService.CreateAsync(settings.Endpoint, "key", ct);
            context.Log.Info($"created endpoint '{created.Name}' at {created.Url}");
        }
        var modelVersion = ws.Models.Get(ModelRef.Parse(model));
        if (ws.Endpoints.FindDeployment(settings.Endpoint, settings.Deployment) is { } existing)
        {
            if (existing.Model != modelVersion.Name || existing.ModelVersion != modelVersion.Version)
                throw MlpException.Conflict($"Step '{context.Step.Name}': deployment '{settings.Deployment}' of endpoint '{settings.Endpoint}' already serves " +
                    $"'{existing.Model}:{existing.ModelVersion}'; deploy '{modelVersion.Name}:{modelVersion.Version}' under a new deployment name (e.g. blue/green).");
            context.Log.Info($"deployment '{settings.Deployment}' already serves {existing.Model}:{existing.ModelVersion}; nothing to do");
            context.SetOutputValue("deployment", $"{settings.Endpoint}/{settings.Deployment}");
            return StepResult.Success;
        }

        var stages = settings.Stages.Where(s => s < settings.Traffic).Append(settings.Traffic).Where(s => s > 0).Distinct().ToList();
        var deployment = new NewDeployment
        {
            Endpoint = settings.Endpoint, Name = settings.Deployment, Model = $"{modelVersion.Name}:{modelVersion.Version}",
            Target = settings.Target ?? "local", Image = tag,
        };
        if (stages.Count == 0)
        {
            var d = await new DeploymentService(endpoints).CreateAsync(deployment, ct);
            context.Log.Info($"deployment '{d.Name}' is {d.Status} at 0% traffic");
        }
        else
        {
            var result = await new RolloutService(endpoints).RunAsync(new RolloutOptions
            {
                Deployment = deployment, Stages = stages, StageDuration = StageDuration, SmokeRequest = SmokeRequest,
            }, ct);
            foreach (var step in result.Steps) context.Log.Info(step);
            if (!result.Succeeded) return StepResult.Failure(result.Message);
            context.Log.Info(result.Message);
        }
        context.SetOutputValue("deployment", $"{settings.Endpoint}/{settings.Deployment}");
        return StepResult.Success;
    }
}
