using System.Reflection;
using MlPipelines.Containers;
using MlPipelines.Core.Images;

namespace MlPipelines.Containers.Tests;

/// <summary>Which real services this machine has; tests needing them are skipped with the reason.</summary>
internal static class Services
{
    public static readonly Lazy<string?> DockerMissing = new(() =>
    {
        var endpoint = DockerEndpoint.FromEnvironment();
        using var client = new DockerEngineClient(endpoint);
        var (ok, problem) = client.PingAsync(TimeSpan.FromSeconds(3)).GetAwaiter().GetResult();
        return ok ? null : $"no Docker engine at DOCKER_HOST ({endpoint.Address}): {problem}";
    });

    public static string Registry => Environment.GetEnvironmentVariable("MLP_TEST_REGISTRY") is { Length: > 0 } r ? r : "127.0.0.1:5000";

    public static string BaseImage => Environment.GetEnvironmentVariable("MLP_TEST_BASE_IMAGE") is { Length: > 0 } b ? b : "mlp-local/aspnet:10.0";

    public static string PythonImage => Environment.GetEnvironmentVariable("MLP_TEST_PYTHON_IMAGE") is { Length: > 0 } p ? p : "mlp-local/python:3.11";

    public static readonly Lazy<string?> PythonImageMissing = new(() =>
    {
        using var client = new DockerEngineClient(DockerEndpoint.FromEnvironment());
        return client.InspectImageAsync(PythonImage).GetAwaiter().GetResult() is null
            ? $"the engine has no Python base image '{PythonImage}' (made by .ci/services/docker.sh)"
            : null;
    });

    public static readonly Lazy<string?> RegistryMissing = new(() =>
    {
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

    public static string Metadata(string key) =>
        typeof(Services).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}

/// <summary>A fact skipped (reason shown) when no Docker engine answers at DOCKER_HOST or no registry at MLP_TEST_REGISTRY.</summary>
public sealed class RequiresDockerAndRegistryFactAttribute : FactAttribute
{
    public RequiresDockerAndRegistryFactAttribute()
    {
        if (Services.DockerMissing.Value is { } d) Skip = d;
        else if (Services.RegistryMissing.Value is { } r) Skip = r;
    }
}

/// <summary>A fact skipped (reason shown) when no Docker engine answers at DOCKER_HOST.</summary>
public sealed class RequiresDockerFactAttribute : FactAttribute
{
    public RequiresDockerFactAttribute()
    {
        if (Services.DockerMissing.Value is { } d) Skip = d;
    }
}

/// <summary>A fact skipped (reason shown) when no Docker engine answers or it lacks the local Python base image.</summary>
public sealed class RequiresDockerAndPythonImageFactAttribute : FactAttribute
{
    public RequiresDockerAndPythonImageFactAttribute()
    {
        if (Services.DockerMissing.Value is { } d) Skip = d;
        else if (Services.PythonImageMissing.Value is { } p) Skip = p;
    }
}

/// <summary>An image store in memory (the workspace's stores are tested with the workspace).</summary>
internal sealed class MemoryImageStore : IImageStore
{
    private readonly List<ImageRecord> _records = [];

    public void Save(ImageRecord image)
    {
        _records.RemoveAll(r => r.Tag == image.Tag);
        _records.Add(image);
    }

    public ImageRecord? Find(string tagOrHash) => _records.LastOrDefault(r => r.Tag == tagOrHash || r.ContextHash == tagOrHash);

    public IReadOnlyList<ImageRecord> List() => _records.AsEnumerable().Reverse().ToList();
}
