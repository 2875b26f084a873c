using System.Diagnostics;
using MlPipelines.Containers;
using MlPipelines.Core.Endpoints;
using MlPipelines.Core.Errors;
using MlPipelines.Endpoints.Local;
using MlPipelines.Endpoints.Services;

namespace MlPipelines.Endpoints.Targets;

/// <summary>
/// Containers through the Docker Engine API (<c>DOCKER_HOST</c>), one per instance, port 8080 published on 127.0.0.1,
/// health-checked before the deployment counts as healthy; then the endpoint daemon supervises them like local
/// instances (restarted with back-off, restarts counted, Unhealthy while one does not answer; see
/// <see cref="Docker.SupervisedContainer"/>).
/// </summary>
public sealed class DockerTarget(EndpointsContext context) : IDeploymentTarget
{
    /// <summary>Port the scoring host listens on inside the image.</summary>
    public const int ContainerPort = 8080;

    /// <inheritdoc />
    public string Name => "docker";

    /// <inheritdoc />
    public async Task<bool> ProvisionAsync(DeploymentPlan plan, CancellationToken ct)
    {
        var record = plan.Record;
        var image = record.Image ?? context.Workspace.Images.List()
            .FirstOrDefault(i => i.Model == record.Model && i.ModelVersion == record.ModelVersion && i.State is "built" or "pushed")?.Tag
            ?? throw MlpException.Invalid($"No built image of model '{record.Model}:{record.ModelVersion}' for the docker target; build one first (mlp image build) or pass --image TAG.");
        using var engine = await ConnectAsync(ct);
        var secret = InstanceSecrets.New(); // read by the daemon's router from the 0600 file; given to containers by env only
        InstanceSecrets.Save(context.Paths.InstanceSecret(record.Endpoint, record.Name), secret);
        var instances = new List<DeploymentInstance>();
        try
        {
            for (var i = 0; i < record.InstanceCount; i++)
            {
                var name = ContainerName(context.Workspace.Info.Location, record, i);
                await engine.RemoveContainerAsync(name, ct); // a leftover of an earlier attempt
                var id = await engine.CreateContainerAsync(new ContainerSpec
                {
                    Image = image, Name = name, PublishPort = ContainerPort,
                    Env = [$"MLP_TIMEOUT_MS={record.RequestTimeoutMs}", $"MLP_MAX_CONCURRENCY={record.MaxConcurrentRequests}",
                        $"{Scoring.Hosting.ScoringHostCommandLine.InstanceSecretEnvironmentVariable}={secret}"],
                }, ct);
                instances.Add(new DeploymentInstance($"{record.Name}-{i}", "", null, id, 0, null));
                await engine.StartContainerAsync(id, ct);
                var state = await engine.InspectContainerAsync(id, ct);
                var address = $"http://127.0.0.1:{state.HostPort ?? throw MlpException.Failed($"Container '{name}' has no published port.")}";
                instances[^1] = instances[^1] with { Address = address };
                if (!await WaitReadyAsync(engine, id, address, ct))
                    throw MlpException.Failed($"Container '{name}' of deployment '{record.Name}' did not become ready: {Tail(await engine.LogsAsync(id, ct), 20)}");
            }
        }
        catch
        {
            foreach (var i in instances) await engine.RemoveContainerAsync(i.ContainerId!, CancellationToken.None);
            throw;
        }
        var current = context.Store.FindDeployment(record.Endpoint, record.Name) ?? record;
        context.Store.SaveDeployment(current with { Status = DeploymentStatus.Healthy, StatusReason = null, Instances = instances, Image = image });
        await context.DaemonClient.EnsureRunningAsync(context.Daemon, ct);
        await context.DaemonClient.ReconcileAsync(ct);
        return false;
    }

    /// <inheritdoc />
    public async Task RemoveAsync(DeploymentRecord deployment, CancellationToken ct)
    {
        // Deleting first, so the daemon stops restarting the containers before they are removed.
        context.Store.SaveDeployment(deployment with { Status = DeploymentStatus.Deleting });
        await context.DaemonClient.ReconcileAsync(ct);
        using (var engine = await ConnectAsync(ct))
            foreach (var i in deployment.Instances.Where(i => i.ContainerId is not null))
                await engine.RemoveContainerAsync(i.ContainerId!, ct);
        File.Delete(context.Paths.InstanceSecret(deployment.Endpoint, deployment.Name));
        context.Store.DeleteDeployment(deployment.Endpoint, deployment.Name);
    }

    /// <inheritdoc />
    public async Task<string> LogsAsync(DeploymentRecord deployment, int tailLines, CancellationToken ct)
    {
        using var engine = await ConnectAsync(ct);
        var parts = new List<string>();
        foreach (var i in deployment.Instances.Where(i => i.ContainerId is not null))
            parts.Add($"==> {i.Id} (container {i.ContainerId![..12]}) <=={Environment.NewLine}{Tail(await engine.LogsAsync(i.ContainerId, ct), tailLines)}");
        return parts.Count == 0 ? $"(no containers for deployment '{deployment.Name}')" : string.Join(Environment.NewLine, parts);
    }

    /// <summary>
    /// Container name of one instance: <c>mlp-ENDPOINT-DEPLOYMENT-INDEX-WORKSPACE</c>, the last part the first 8 hex
    /// digits of the SHA-256 of the workspace location: names are global to an engine, and two workspaces on one
    /// machine may both have an endpoint 'iris' with a deployment 'blue'.
    /// </summary>
    public static string ContainerName(string workspaceLocation, DeploymentRecord d, int index) =>
        $"mlp-{d.Endpoint}-{d.Name}-{index}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(workspaceLocation)))[..8]}";

    private static async Task<DockerEngineClient> ConnectAsync(CancellationToken ct)
    {
        var endpoint = DockerEndpoint.FromEnvironment();
        var engine = new DockerEngineClient(endpoint);
        var (ok, problem) = await engine.PingAsync(TimeSpan.FromSeconds(3), ct);
        if (ok) return engine;
        engine.Dispose();
        throw MlpException.Unavailable($"The Docker engine at '{endpoint.Address}' is not reachable ({problem}); start it or set DOCKER_HOST, or use --target local.");
    }

    private static async Task<bool> WaitReadyAsync(DockerEngineClient engine, string id, string address, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                using var r = await http.GetAsync(address + Routing.HealthProber.ReadyPath, ct);
                if (r.IsSuccessStatusCode) return true;
            }
            catch (Exception e) when (e is HttpRequestException || e is TaskCanceledException && !ct.IsCancellationRequested) { }
            if (!(await engine.InspectContainerAsync(id, ct)).Running) return false;
            await Task.Delay(200, ct);
        }
        return false;
    }

    private static string Tail(string text, int lines) => string.Join(Environment.NewLine, text.Split('\n').TakeLast(lines));
}
