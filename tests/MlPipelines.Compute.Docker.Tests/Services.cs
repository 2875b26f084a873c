using MlPipelines.Containers;

namespace MlPipelines.Compute.Docker.Tests;

/// <summary>The Docker engine and images of this machine; tests needing them are skipped with the reason.</summary>
internal static class Services
{
    public static string BaseImage => Environment.GetEnvironmentVariable("MLP_TEST_BASE_IMAGE") is { Length: > 0 } b ? b : "mlp-local/aspnet:10.0";

    public static string PythonImage => Environment.GetEnvironmentVariable("MLP_TEST_PYTHON_IMAGE") is { Length: > 0 } p ? p : "mlp-local/python:3.11";

    public static readonly Lazy<string?> Missing = new(() =>
    {
        var endpoint = DockerEndpoint.FromEnvironment();
        using var client = new DockerEngineClient(endpoint);
        var (ok, problem) = client.PingAsync(TimeSpan.FromSeconds(3)).GetAwaiter().GetResult();
        if (!ok) return $"no Docker engine at DOCKER_HOST ({endpoint.Address}): {problem} (start one with `source .ci/services/docker.sh`)";
        foreach (var image in new[] { BaseImage, PythonImage })
            if (client.InspectImageAsync(image).GetAwaiter().GetResult() is null)
                return $"the engine has no image '{image}' (made by .ci/services/docker.sh)";
        return null;
    });
}

/// <summary>A fact skipped (reason shown) without a Docker engine at DOCKER_HOST holding the offline test images.</summary>
public sealed class RequiresDockerFactAttribute : FactAttribute
{
    public RequiresDockerFactAttribute()
    {
        if (Services.Missing.Value is { } reason) Skip = reason;
    }
}
