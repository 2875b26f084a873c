using MlPipelines.Core.Errors;
using MlPipelines.Pipelines.Plan;

namespace MlPipelines.Runner.Execution;

/// <summary>
/// Turns a plan's environments into what steps run with: a version hash for the cache key, and a container image for
/// targets that run images (built once per version). The runner knows no engine; the host passes one in.
/// </summary>
public interface IStepEnvironments
{
    /// <summary>The version of <paramref name="environment"/>: its content hash including files it builds from.</summary>
    string VersionOf(PlanEnvironment environment, string baseDirectory);

    /// <summary>The image to run the step in, built when this version has not been built yet; progress lines go to <paramref name="log"/>.</summary>
    Task<string> ImageForAsync(PlanEnvironment environment, string baseDirectory, Action<string> log, CancellationToken cancellationToken);
}

/// <summary>Environments as the plan declares them, without building anything.</summary>
public static class StepEnvironments
{
    /// <summary>Versions are the plan's definition hashes; an environment that names an image runs as that image, others cannot run here.</summary>
    public static IStepEnvironments Declared { get; } = new DeclaredImages();

    private sealed class DeclaredImages : IStepEnvironments
    {
        public string VersionOf(PlanEnvironment environment, string baseDirectory) => environment.Hash;

        public Task<string> ImageForAsync(PlanEnvironment environment, string baseDirectory, Action<string> log, CancellationToken cancellationToken) =>
            environment.Definition.TryGetValue("image", out var image) && !environment.Definition.ContainsKey("dockerfile") && !environment.Definition.Keys.Any(k => k is "pip" or "apt" or "conda")
                ? Task.FromResult(image)
                : throw MlpException.Invalid($"Environment '{environment.Name}' must be built into an image first, and this runner has no image builder (run the pipeline with 'dotnet run', which builds environments through the Docker engine).");
    }
}
