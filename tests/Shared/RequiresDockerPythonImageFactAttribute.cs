using MlPipelines.Containers;

namespace MlPipelines.Tests.Shared;

/// <summary>
/// A fact that is skipped, with the reason shown, unless a Docker engine answers at DOCKER_HOST and has the offline
/// Python image <c>$MLP_TEST_PYTHON_IMAGE</c> (default <c>mlp-local/python:3.11</c>) that .ci/services/docker.sh makes.
/// </summary>
public sealed class RequiresDockerPythonImageFactAttribute : FactAttribute
{
    /// <summary>The offline Python image.</summary>
    public static string PythonImage => Environment.GetEnvironmentVariable("MLP_TEST_PYTHON_IMAGE") is { Length: > 0 } p ? p : "mlp-local/python:3.11";

    private static readonly Lazy<string?> Missing = new(() =>
    {
        var endpoint = DockerEndpoint.FromEnvironment();
        using var engine = new DockerEngineClient(endpoint);
        var (ok, problem) = engine.PingAsync(TimeSpan.FromSeconds(3)).GetAwaiter().GetResult();
        if (!ok) return $"no Docker engine at DOCKER_HOST ({endpoint.Address}): {problem}; start one with `bash .ci/services/docker.sh start`";
        return engine.InspectImageAsync(PythonImage).GetAwaiter().GetResult() is null
            ? $"the engine has no image '{PythonImage}' (made by .ci/services/docker.sh)"
            : null;
    });

    /// <summary>Skips when the engine or the image is missing.</summary>
    public RequiresDockerPythonImageFactAttribute()
    {
        if (Missing.Value is { } reason) Skip = reason;
    }
}
