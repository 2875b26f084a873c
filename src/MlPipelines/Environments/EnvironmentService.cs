using System.Collections.Concurrent;
using System.Diagnostics;
using MlPipelines.Containers;
using MlPipelines.Core.Environments;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Workspaces;
using MlPipelines.Pipelines.Plan;
using MlPipelines.Rendering;
using MlPipelines.Runner.Execution;

namespace MlPipelines.Environments;

/// <summary>
/// Environments of a workspace: renders a definition into its build context and version, builds it through the Docker
/// engine once per version (parallel steps wait for one build), and records every version in the workspace.
/// </summary>
public sealed class EnvironmentService(IWorkspace workspace, DockerEndpoint? engine = null, string? templatesDirectory = null) : IStepEnvironments
{
    private readonly ConcurrentDictionary<string, EnvironmentContext> _rendered = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<EnvironmentRecord>>> _builds = new(StringComparer.Ordinal);

    /// <summary>The service a pipeline run uses: the engine at DOCKER_HOST, the run folder's <c>templates/</c> overriding the built-in ones.</summary>
    public static EnvironmentService ForRun(IWorkspace workspace, string baseDirectory) =>
        new(workspace, null, Directory.Exists(Path.Combine(baseDirectory, "templates")) ? Path.Combine(baseDirectory, "templates") : null);

    /// <summary>
    /// The base image a curated environment is built from instead of its public one: <c>$MLP_IMAGE_PYTHON_BASE</c> or
    /// <c>$MLP_IMAGE_DOTNET_BASE</c> (the same mirrors scoring images use), or null.
    /// </summary>
    public static string? CuratedBaseOverride(string kind, IReadOnlyDictionary<string, string> definition) =>
        kind != EnvironmentSpec.Curated ? null
        : definition.GetValueOrDefault("runtime") switch
        {
            "python" => Environment.GetEnvironmentVariable("MLP_IMAGE_PYTHON_BASE") is { Length: > 0 } p ? p : null,
            "dotnet" => Environment.GetEnvironmentVariable("MLP_IMAGE_DOTNET_BASE") is { Length: > 0 } d ? d : null,
            _ => null,
        };

    /// <summary>Renders (in memory) and returns the build context and version of an environment.</summary>
    public EnvironmentContext Render(string name, string kind, IReadOnlyDictionary<string, string> definition, string baseDirectory) =>
        _rendered.GetOrAdd($"{name}\n{EnvironmentSpec.DefinitionHash(kind, definition)}\n{Path.GetFullPath(baseDirectory)}", _ =>
            EnvironmentContextRenderer.Render(new EnvironmentRenderRequest
            {
                Name = name, Kind = kind, Definition = definition, BaseDirectory = baseDirectory, TemplatesDirectory = templatesDirectory,
                BaseImageOverride = CuratedBaseOverride(kind, definition),
            }));

    /// <inheritdoc />
    public string VersionOf(PlanEnvironment environment, string baseDirectory) =>
        Render(environment.Name, environment.Kind, environment.Definition, baseDirectory).Version;

    /// <inheritdoc />
    public async Task<string> ImageForAsync(PlanEnvironment environment, string baseDirectory, Action<string> log, CancellationToken cancellationToken) =>
        (await BuildAsync(environment.Name, environment.Kind, environment.Definition, baseDirectory, log, force: false, cancellationToken).ConfigureAwait(false)).Image;

    /// <summary>
    /// Records the version and builds its image unless the engine already has it (or <paramref name="force"/>); an image
    /// reference is only recorded. Concurrent callers of one version share one build.
    /// </summary>
    public Task<EnvironmentRecord> BuildAsync(string name, string kind, IReadOnlyDictionary<string, string> definition, string baseDirectory,
        Action<string>? log, bool force, CancellationToken cancellationToken)
    {
        var context = Render(name, kind, definition, baseDirectory);
        foreach (var w in context.Warnings) log?.Invoke("warning: " + w);
        var build = _builds.GetOrAdd(context.Version, _ => new Lazy<Task<EnvironmentRecord>>(() =>
            BuildOnceAsync(name, kind, definition, context, log, force, cancellationToken)));
        return AwaitAndForgetFailureAsync(context.Version, build);
    }

    private async Task<EnvironmentRecord> AwaitAndForgetFailureAsync(string version, Lazy<Task<EnvironmentRecord>> build)
    {
        try
        {
            return await build.Value.ConfigureAwait(false);
        }
        catch
        {
            _builds.TryRemove(version, out _); // a later step may try again (e.g. after a transient engine error)
            throw;
        }
    }

    private async Task<EnvironmentRecord> BuildOnceAsync(string name, string kind, IReadOnlyDictionary<string, string> definition, EnvironmentContext context,
        Action<string>? log, bool force, CancellationToken cancellationToken)
    {
        var recorded = workspace.Environments.Find(context.Version);
        var record = recorded is not null && recorded.Name == name ? recorded : new EnvironmentRecord
        {
            Hash = context.Version, Name = name, Kind = kind, Image = context.Image, State = "defined", CreatedAt = DateTimeOffset.UtcNow,
            Definition = new SortedDictionary<string, string>(definition.ToDictionary(), StringComparer.Ordinal),
        };
        if (!context.NeedsBuild)
        {
            workspace.Environments.Save(record);
            return record;
        }

        using var client = new DockerEngineClient(engine ?? DockerEndpoint.FromEnvironment());
        var (ok, problem) = await client.PingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!ok)
        {
            workspace.Environments.Save(record);
            throw MlpException.Invalid($"Environment '{name}' ({context.Version[..12]}) must be built into {context.Image}, and there is no Docker engine at DOCKER_HOST ({client.Endpoint.Address}: {problem}).");
        }
        var existing = force ? null : await client.InspectImageAsync(context.Image, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            log?.Invoke($"environment '{name}' {context.Image} is up to date (version {context.Version[..12]} already built)");
            record = record with { State = "built", ImageId = existing.Id, BuiltAt = record.BuiltAt ?? DateTimeOffset.UtcNow };
            workspace.Environments.Save(record);
            return record;
        }

        var dir = Path.Combine(workspace.ScratchDirectory, "environments", context.Version[..16] + "-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            EnvironmentContextRenderer.WriteTo(context, dir);
            log?.Invoke($"building environment '{name}' into {context.Image} from {context.BaseImage ?? "its Dockerfile"}");
            var sw = Stopwatch.StartNew();
            await client.BuildAsync(dir, context.Image, log is null ? null : line => log($"[build {name}] {line}"), cancellationToken).ConfigureAwait(false);
            var built = await client.InspectImageAsync(context.Image, cancellationToken).ConfigureAwait(false);
            record = record with { State = "built", ImageId = built?.Id, BuildTime = sw.Elapsed, BuiltAt = DateTimeOffset.UtcNow };
            workspace.Environments.Save(record);
            log?.Invoke($"built environment '{name}' {context.Image} in {sw.Elapsed.TotalSeconds:0.0}s");
            return record;
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
