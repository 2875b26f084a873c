using System.Diagnostics;
using MlPipelines.Core.Endpoints;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Core.Registry;
using MlPipelines.Endpoints.Targets;

namespace MlPipelines.Endpoints.Services;

/// <summary>What <c>mlp deployment create</c> asks for.</summary>
public sealed record NewDeployment
{
    /// <summary>Endpoint name.</summary>
    public required string Endpoint { get; init; }
    /// <summary>Deployment name.</summary>
    public required string Name { get; init; }
    /// <summary>Model as NAME, NAME:VERSION or NAME@ALIAS.</summary>
    public required string Model { get; init; }
    /// <summary>"local", "docker" or "kubernetes".</summary>
    public string Target { get; init; } = "local";
    /// <summary>Number of instances.</summary>
    public int Instances { get; init; } = 1;
    /// <summary>Scoring timeout per request.</summary>
    public int TimeoutMs { get; init; } = 5000;
    /// <summary>Requests scored at once per instance.</summary>
    public int MaxConcurrency { get; init; } = 64;
    /// <summary>Image tag for container targets (null: the target picks the image built for the model).</summary>
    public string? Image { get; init; }
}

/// <summary>Creates, lists and deletes deployments through their targets.</summary>
public sealed class DeploymentService(EndpointsContext context)
{
    /// <summary>Creates a deployment (at 0% traffic) and waits until it is healthy; a failed one stays recorded as Failed.</summary>
    public async Task<DeploymentRecord> CreateAsync(NewDeployment request, CancellationToken ct = default)
    {
        var store = context.Store;
        Names.Validate("deployment", request.Name);
        if (request.Instances is < 1 or > 64) throw MlpException.Invalid($"Instance count {request.Instances} is outside 1–64.");
        if (request.TimeoutMs < 1 || request.MaxConcurrency < 1) throw MlpException.Invalid("--timeout-ms and --max-concurrency must be positive.");
        var endpoint = new EndpointService(context).Get(request.Endpoint);
        if (store.FindDeployment(endpoint.Name, request.Name) is not null)
            throw MlpException.Conflict($"Deployment '{request.Name}' already exists on endpoint '{endpoint.Name}'; delete it first or pick another name.");
        var target = TargetCatalog.Get(request.Target, context);
        var model = context.Workspace.Models.Get(ModelRef.Parse(request.Model));

        var record = new DeploymentRecord
        {
            Endpoint = endpoint.Name, Name = request.Name, Model = model.Name, ModelVersion = model.Version, Image = request.Image,
            Target = target.Name, InstanceCount = request.Instances, RequestTimeoutMs = request.TimeoutMs,
            MaxConcurrentRequests = request.MaxConcurrency, Status = DeploymentStatus.Creating, CreatedAt = DateTimeOffset.UtcNow,
        };
        store.SaveDeployment(record);
        try
        {
            var modelDir = context.Paths.Model(endpoint.Name, request.Name);
            if (Directory.Exists(modelDir)) Directory.Delete(modelDir, recursive: true);
            context.Workspace.Models.Download(new ModelRef(model.Name, model.Version, null), modelDir);
            var plan = new DeploymentPlan(record, model, modelDir, ScorerResolver.Resolve(modelDir, model));
            if (await target.ProvisionAsync(plan, ct)) return await WaitHealthyAsync(record, ct);
            return store.FindDeployment(endpoint.Name, request.Name) ?? record;
        }
        catch (MlpException e) when (e.Kind != ErrorKind.Canceled)
        {
            if (store.FindDeployment(endpoint.Name, request.Name) is { } current)
                store.SaveDeployment(current with { Status = DeploymentStatus.Failed, StatusReason = e.Message });
            throw;
        }
    }

    /// <summary>Polls the record until Healthy; throws Failed with the reason (and where the logs are) otherwise.</summary>
    public async Task<DeploymentRecord> WaitHealthyAsync(DeploymentRecord record, CancellationToken ct = default, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        var limit = timeout ?? context.ReadyTimeout;
        while (true)
        {
            var current = context.Store.FindDeployment(record.Endpoint, record.Name)
                ?? throw MlpException.Failed($"Deployment '{record.Name}' of endpoint '{record.Endpoint}' was deleted while starting.");
            if (current.Status == DeploymentStatus.Healthy) return current;
            if (current.Status == DeploymentStatus.Failed || watch.Elapsed > limit)
                throw MlpException.Failed($"Deployment '{record.Name}' of endpoint '{record.Endpoint}' did not become healthy " +
                    $"({current.Status}{(current.StatusReason is null ? "" : ": " + current.StatusReason)}); see 'mlp deployment logs {record.Endpoint} {record.Name}'.");
            await Task.Delay(200, ct);
        }
    }

    /// <summary>A deployment, or NotFound listing the endpoint's deployments.</summary>
    public DeploymentRecord Get(string endpoint, string name)
    {
        new EndpointService(context).Get(endpoint);
        return context.Store.FindDeployment(endpoint, name)
            ?? throw MlpException.NotFound("deployment", name, context.Store.ListDeployments(endpoint).Select(d => d.Name));
    }

    /// <summary>Deletes a deployment; refuses while it receives live traffic (move traffic first), unless <paramref name="force"/>.</summary>
    public async Task DeleteAsync(string endpoint, string name, bool force = false, CancellationToken ct = default)
    {
        var deployment = Get(endpoint, name);
        var ep = new EndpointService(context).Get(endpoint);
        if (!force && ep.Traffic.TryGetValue(name, out var pct) && pct > 0)
            throw MlpException.Conflict($"Deployment '{name}' receives {pct}% of the traffic of endpoint '{endpoint}'; move it first, e.g. 'mlp endpoint traffic {endpoint} OTHER=100'.");
        if (ep.Traffic.ContainsKey(name) || ep.Mirror.ContainsKey(name))
        {
            var traffic = ep.Traffic.Where(t => t.Key != name).ToDictionary();
            if (traffic.Values.Sum() != 100) traffic = traffic.ToDictionary(t => t.Key, _ => 0);
            context.Store.SetTraffic(endpoint, traffic, ep.Mirror.Where(t => t.Key != name).ToDictionary(), context.Who, $"deployment '{name}' deleted");
        }
        await TargetCatalog.Get(deployment.Target, context).RemoveAsync(deployment, ct);
        await context.DaemonClient.ReconcileAsync(ct);
    }

    /// <summary>Log output of a deployment's instances.</summary>
    public Task<string> LogsAsync(string endpoint, string name, int tailLines = 100, CancellationToken ct = default)
    {
        var d = Get(endpoint, name);
        return TargetCatalog.Get(d.Target, context).LogsAsync(d, tailLines, ct);
    }
}
