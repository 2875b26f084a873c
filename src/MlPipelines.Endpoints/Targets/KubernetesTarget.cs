using System.Diagnostics;
using MlPipelines.Core.Endpoints;
using MlPipelines.Endpoints.Services;

namespace MlPipelines.Endpoints.Targets;

/// <summary>
/// Renders Deployment, Service and HTTPRoute manifests into a folder and applies them with <c>kubectl apply -f</c> when a
/// kube context is configured (<c>kubectl config current-context</c> succeeds); otherwise records that they were not applied.
/// </summary>
public sealed class KubernetesTarget(EndpointsContext context) : IDeploymentTarget
{
    /// <inheritdoc />
    public string Name => "kubernetes";

    /// <inheritdoc />
    public async Task<bool> ProvisionAsync(DeploymentPlan plan, CancellationToken ct)
    {
        var image = ImageFor(context, plan.Record);
        context.Store.SaveDeployment((context.Store.FindDeployment(plan.Record.Endpoint, plan.Record.Name) ?? plan.Record) with { Image = image });
        var folder = Render(context, plan.Record.Endpoint);
        var (applied, message) = await ApplyAsync(folder, ct);
        var record = context.Store.FindDeployment(plan.Record.Endpoint, plan.Record.Name) ?? plan.Record;
        context.Store.SaveDeployment(record with
        {
            Status = applied ? DeploymentStatus.Healthy : DeploymentStatus.Creating,
            StatusReason = applied ? $"applied from '{folder}'" : $"manifests rendered to '{folder}'; {message}",
        });
        return false;
    }

    /// <inheritdoc />
    public async Task RemoveAsync(DeploymentRecord deployment, CancellationToken ct)
    {
        var folder = Folder(context, deployment.Endpoint);
        if (await CurrentContextAsync(ct) is not null)
            foreach (var kind in new[] { "deployment", "service" })
            {
                var file = Path.Combine(folder, $"{deployment.Name}.{kind}.yaml");
                if (File.Exists(file)) await KubectlAsync(ct, "delete", "--ignore-not-found", "-f", file);
            }
        context.Store.DeleteDeployment(deployment.Endpoint, deployment.Name);
        foreach (var kind in new[] { "deployment", "service" }) File.Delete(Path.Combine(folder, $"{deployment.Name}.{kind}.yaml"));
        RenderIfUsed(context, deployment.Endpoint);
    }

    /// <inheritdoc />
    public async Task<string> LogsAsync(DeploymentRecord deployment, int tailLines, CancellationToken ct)
    {
        if (await CurrentContextAsync(ct) is null) return "No kube context is configured; the manifests were rendered but not applied.";
        var (_, output) = await KubectlAsync(ct, "logs", "-n", context.Kubernetes.Namespace, "--tail", tailLines.ToString(),
            "-l", $"mlpipelines.io/endpoint={deployment.Endpoint},mlpipelines.io/deployment={deployment.Name}");
        return output;
    }

    /// <summary>
    /// The image a deployment runs: <c>--image</c>, else the image built for its model version (a pushed one first, since a
    /// cluster pulls from a registry); Invalid when there is none.
    /// </summary>
    public static string ImageFor(EndpointsContext context, DeploymentRecord record)
    {
        if (record.Image is { } given) return given;
        var built = context.Workspace.Images.List().Where(i => i.Model == record.Model && i.ModelVersion == record.ModelVersion && i.State is "built" or "pushed")
            .OrderBy(i => i.State == "pushed" ? 0 : 1).ThenByDescending(i => i.CreatedAt).FirstOrDefault();
        return built?.Tag ?? throw Core.Errors.MlpException.Invalid(
            $"No built image of model '{record.Model}:{record.ModelVersion}' for the kubernetes target; build and push one first " +
            $"(mlp image build {record.Model}:{record.ModelVersion} --push REGISTRY/REPO) or pass --image TAG.");
    }

    /// <summary>
    /// Re-renders (and applies, when possible) the manifests of an endpoint that has Kubernetes deployments, e.g. after a
    /// traffic change; when none is left, the endpoint's HTTPRoute and key Secret are removed so nothing points at a deleted deployment.
    /// </summary>
    public static void RenderIfUsed(EndpointsContext context, string endpoint)
    {
        if (context.Store.ListDeployments(endpoint).All(d => d.Target != "kubernetes" || d.Status == DeploymentStatus.Deleting))
        {
            RemoveShared(context, endpoint);
            return;
        }
        var folder = Render(context, endpoint);
        _ = ApplyAsync(folder, CancellationToken.None).GetAwaiter().GetResult();
    }

    private static void RemoveShared(EndpointsContext context, string endpoint)
    {
        var folder = Folder(context, endpoint);
        foreach (var file in new[] { KubernetesManifests.RouteFile, KubernetesManifests.SecretFile }.Select(f => Path.Combine(folder, f)).Where(File.Exists))
        {
            if (CurrentContextAsync(CancellationToken.None).GetAwaiter().GetResult() is not null)
                _ = KubectlAsync(CancellationToken.None, "delete", "--ignore-not-found", "-f", file).GetAwaiter().GetResult();
            File.Delete(file);
        }
    }

    private static string Folder(EndpointsContext context, string endpoint) =>
        context.Kubernetes.OutputDirectory ?? Path.Combine(context.Paths.Endpoint(endpoint), "kubernetes");

    private static string Render(EndpointsContext context, string endpoint)
    {
        var ep = context.Store.FindEndpoint(endpoint)!;
        var deployments = context.Store.ListDeployments(endpoint).Where(d => d.Target == "kubernetes" && d.Status != DeploymentStatus.Deleting).ToList();
        var folder = Folder(context, endpoint);
        Directory.CreateDirectory(folder);
        foreach (var (file, text) in KubernetesManifests.Render(ep, deployments, context.Kubernetes))
        {
            var path = Path.Combine(folder, file);
            File.WriteAllText(path, text);
            if (file == KubernetesManifests.SecretFile && !OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return folder;
    }

    private static async Task<(bool Applied, string Message)> ApplyAsync(string folder, CancellationToken ct)
    {
        if (await CurrentContextAsync(ct) is not { } current) return (false, "not applied: no kube context is configured ('kubectl config current-context' failed)");
        var (ok, output) = await KubectlAsync(ct, "apply", "-f", folder);
        return ok ? (true, $"applied to context '{current}'") : (false, $"kubectl apply failed: {output.Trim()}");
    }

    private static async Task<string?> CurrentContextAsync(CancellationToken ct)
    {
        var (ok, output) = await KubectlAsync(ct, "config", "current-context");
        return ok && output.Trim().Length > 0 ? output.Trim() : null;
    }

    private static async Task<(bool Ok, string Output)> KubectlAsync(CancellationToken ct, params string[] args)
    {
        var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync(ct);
            var stderr = p.StandardError.ReadToEndAsync(ct);
            await p.WaitForExitAsync(ct);
            return (p.ExitCode == 0, await stdout + await stderr);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (false, "kubectl is not installed: " + e.Message);
        }
    }
}
