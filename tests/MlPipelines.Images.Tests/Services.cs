using MlPipelines.Containers;

namespace MlPipelines.Images.Tests;

/// <summary>Which real services this machine has; tests needing them are skipped with the reason.</summary>
internal static class Services
{
    public static string Registry => Environment.GetEnvironmentVariable("MLP_TEST_REGISTRY") is { Length: > 0 } r ? r : "127.0.0.1:5000";

    public static string BaseImage => Environment.GetEnvironmentVariable("MLP_TEST_BASE_IMAGE") is { Length: > 0 } b ? b : "mlp-local/aspnet:10.0";

    public static string DockerHost => Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } h ? h : DockerEndpoint.DefaultHost;

    public static readonly Lazy<string?> Missing = new(() =>
    {
        var endpoint = DockerEndpoint.Parse(DockerHost);
        using var client = new DockerEngineClient(endpoint);
        var (ok, problem) = client.PingAsync(TimeSpan.FromSeconds(3)).GetAwaiter().GetResult();
        if (!ok) return $"no Docker engine at DOCKER_HOST ({endpoint.Address}): {problem}";
        if (client.InspectImageAsync(BaseImage).GetAwaiter().GetResult() is null)
            return $"the engine has no base image '{BaseImage}' (made by .ci/services/docker.sh)";
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            using var r = http.GetAsync($"http://{Registry}/v2/").GetAwaiter().GetResult();
            return r.IsSuccessStatusCode ? null : $"registry at {Registry} answered {(int)r.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return $"no OCI registry at {Registry}: {e.Message}";
        }
    });
}

/// <summary>A fact skipped (reason shown) without a Docker engine at DOCKER_HOST, its local base image, or a registry at MLP_TEST_REGISTRY.</summary>
public sealed class RequiresDockerAndRegistryFactAttribute : FactAttribute
{
    public RequiresDockerAndRegistryFactAttribute()
    {
        if (Services.Missing.Value is { } reason) Skip = reason;
    }
}
