using MlPipelines.Core.Errors;
using MlPipelines.Core.Registry;
using MlPipelines.Endpoints.Daemon;
using MlPipelines.Endpoints.Services;
using MlPipelines.Endpoints.Targets;
using MlPipelines.Pipelines;
using MlPipelines.Pipelines.Plan;
using MlPipelines.Runner.Execution;

namespace MlPipelines.Executors;

/// <summary>
/// Executes <c>deploy</c> steps as a safe rollout: creates the endpoint if needed, creates the deployment at 0%, waits
/// until healthy, smoke-tests it through the pinned header, then shifts traffic through the step's stages (ending at its
/// traffic) with error-rate and p95 checks, rolling back automatically when a check fails (the step then fails).
/// </summary>
public sealed class DeployExecutor : StepExecutor<DeployPlanStep>
{
    /// <summary>Observation time of each traffic stage.</summary>
    public TimeSpan StageDuration { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Request sent through the pinned header before traffic moves when the step sets none (<c>.SmokeTest(json)</c>); null: no smoke test.</summary>
    public string? SmokeRequest { get; init; }
    /// <summary>Starts the endpoint daemon; null resolves <c>mlp</c> via <see cref="DaemonCommandResolver"/>.</summary>
    public DaemonCommand? Daemon { get; init; }

    /// <inheritdoc />
    protected override async Task<StepResult> ExecuteAsync(StepContext context, DeployPlanStep settings)
    {
        var ws = context.Workspace;
        var image = context.Inputs.TryGetValue(settings.ImageInput, out var input) ? input.PathOrValue
            : throw MlpException.Invalid($"Step '{context.Step.Name}' has no input '{settings.ImageInput}'.");
        var (model, tag) = ws.Images.Find(image) is { } record ? ($"{record.Model}:{record.ModelVersion}", record.Tag) : (image, null);
        var endpoints = new EndpointsContext
        {
            Workspace = ws, Daemon = Daemon ?? DaemonCommandResolver.Resolve(ws.Info.Location, Hosting.EndpointDaemonCommand.SelfHosted(ws.Info.Location)), Who = $"pipeline run {context.ParentRunId}",
            // As for the Image step: the pipeline's templates/ folder overrides the built-in manifests.
            Kubernetes = new KubernetesOptions { TemplatesDirectory = Directory.Exists(Path.Combine(context.BaseDirectory, "templates")) ? Path.Combine(context.BaseDirectory, "templates") : null },
        };
        var endpointService = new EndpointService(endpoints);
        var ct = context.CancellationToken;
        if (ws.Endpoints.FindEndpoint(settings.Endpoint) is null)
        {
            var created = await endpointService.CreateAsync(settings.Endpoint, "key", ct);
            context.Log.Info($"created endpoint '{created.Name}' at {created.Url}");
        }
        var modelVersion = ws.Models.Get(ModelRef.Parse(model));
        // The step's deployments are '<name>' and '<name>-v<version>': a new model version rolls out beside the old one.
        var family = ws.Endpoints.ListDeployments(settings.Endpoint)
            .Where(d => d.Name == settings.Deployment || d.Name.StartsWith(settings.Deployment + "-v", StringComparison.Ordinal)).ToList();
        if (family.FirstOrDefault(d => d.Model == modelVersion.Name && d.ModelVersion == modelVersion.Version) is { } same)
        {
            // The endpoints may have been stopped since ('mlp endpoint stop', a reboot): make sure they serve again.
            await endpointService.StartAllAsync(ct);
            var current = await new DeploymentService(endpoints).WaitHealthyAsync(ws.Endpoints.FindDeployment(settings.Endpoint, same.Name) ?? same, ct);
            context.Log.Info($"deployment '{same.Name}' already serves {same.Model}:{same.ModelVersion} ({current.Status}); nothing to do");
            context.SetOutputValue("deployment", $"{settings.Endpoint}/{same.Name}");
            return StepResult.Success;
        }
        var name = family.Any(d => d.Name == settings.Deployment) ? $"{settings.Deployment}-v{modelVersion.Version}" : settings.Deployment;

        var stages = settings.Stages.Where(s => s < settings.Traffic).Append(settings.Traffic).Where(s => s > 0).Distinct().ToList();
        var deployment = new NewDeployment
        {
            Endpoint = settings.Endpoint, Name = name, Model = $"{modelVersion.Name}:{modelVersion.Version}",
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
                // With no other deployment taking traffic there is nothing to protect: no observation time per stage.
                Deployment = deployment, Stages = stages,
                StageDuration = ws.Endpoints.FindEndpoint(settings.Endpoint)!.Traffic.Values.Any(v => v > 0) ? StageDuration : TimeSpan.Zero,
                SmokeRequest = context.Step.Settings?.GetValueOrDefault(DeploySettingKeys.SmokeRequest) ?? SmokeRequest,
            }, ct);
            foreach (var step in result.Steps) context.Log.Info(step);
            if (!result.Succeeded) return StepResult.Failure(result.Message);
            context.Log.Info(result.Message);
            await RetireReplacedAsync(endpoints, settings.Endpoint, family, context);
        }
        context.SetOutputValue("deployment", $"{settings.Endpoint}/{name}");
        return StepResult.Success;
    }

    /// <summary>After a full rollout, the step's older deployments that no longer get traffic are deleted (their processes stop).</summary>
    private static async Task RetireReplacedAsync(EndpointsContext endpoints, string endpoint, IReadOnlyList<Core.Endpoints.DeploymentRecord> previous, StepContext context)
    {
        var traffic = endpoints.Store.FindEndpoint(endpoint)?.Traffic ?? new Dictionary<string, int>();
        foreach (var old in previous.Where(d => traffic.GetValueOrDefault(d.Name) == 0))
        {
            await new DeploymentService(endpoints).DeleteAsync(endpoint, old.Name, ct: context.CancellationToken);
            context.Log.Info($"deleted deployment '{old.Name}' ({old.Model}:{old.ModelVersion}), which no longer gets traffic");
        }
    }
}
