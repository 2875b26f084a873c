using System.Diagnostics;
using MlPipelines.Core.Images;

namespace MlPipelines.Containers;

/// <summary>
/// Builds a rendered context through the Docker Engine API, pushes it if asked, and records it. An image whose tag (the
/// context hash) the engine already has is not rebuilt, and one the registry already has is not pushed again. Without a
/// reachable engine the context is recorded as "rendered" and the result says so; that is not an error.
/// </summary>
public sealed class ImageBuilder(DockerEngineClient engine, IImageStore store, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Builds (or reuses) and optionally pushes the image of <paramref name="request"/>; progress lines go to <paramref name="progress"/>.</summary>
    public async Task<ImageBuildResult> BuildAsync(ImageBuildRequest request, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var (ok, problem) = await engine.PingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!ok)
        {
            var rendered = Record(request, request.Tag, "rendered", null, null, null);
            store.Save(rendered);
            return new ImageBuildResult(ImageBuildOutcome.Rendered, false, rendered,
                $"image context ready at {request.ContextDirectory}; no Docker engine at DOCKER_HOST ({engine.Endpoint.Address}: {problem})");
        }

        var previous = store.Find(request.ContextHash);
        var existing = await engine.InspectImageAsync(request.Tag, cancellationToken).ConfigureAwait(false);
        TimeSpan? buildTime = previous?.BuildTime;
        ImageBuildOutcome outcome;
        if (existing is not null)
        {
            outcome = ImageBuildOutcome.UpToDate;
            progress?.Invoke($"{request.Tag} is up to date (context {request.ContextHash[..12]} already built)");
        }
        else
        {
            var sw = Stopwatch.StartNew();
            await engine.BuildAsync(request.ContextDirectory, request.Tag, progress, cancellationToken).ConfigureAwait(false);
            buildTime = sw.Elapsed;
            outcome = ImageBuildOutcome.Built;
            existing = await engine.InspectImageAsync(request.Tag, cancellationToken).ConfigureAwait(false);
        }

        var tag = request.Tag;
        var state = "built";
        var digest = existing?.Id;
        var pushed = false;
        if (request.PushRepository is { } repo)
        {
            var target = ImageReference.ParseRepository(repo);
            var shortTag = request.Tag[(request.Tag.LastIndexOf(':') + 1)..];
            var credentials = request.Credentials ?? RegistryCredentials.FromDockerConfig(target.Registry);
            tag = $"{repo}:{shortTag}";
            digest = await RegistryDigestAsync(target, shortTag, credentials, cancellationToken).ConfigureAwait(false);
            if (digest is not null) progress?.Invoke($"{tag} is already in the registry ({digest})");
            else
            {
                await engine.TagAsync(request.Tag, repo, shortTag, cancellationToken).ConfigureAwait(false);
                digest = await engine.PushAsync(repo, shortTag, credentials, progress, cancellationToken).ConfigureAwait(false)
                    ?? await RegistryDigestAsync(target, shortTag, credentials, cancellationToken).ConfigureAwait(false);
                pushed = true;
            }
            state = "pushed";
        }

        var record = Record(request, tag, state, digest, existing?.SizeBytes, buildTime);
        store.Save(record);
        var verb = outcome == ImageBuildOutcome.Built ? "built" : "up to date";
        var message = $"{tag} {verb}{(pushed ? " and pushed" : request.PushRepository is null ? "" : ", already pushed")}" + (digest is null ? "" : $" ({digest})");
        return new ImageBuildResult(outcome, pushed, record, message);
    }

    private static async Task<string?> RegistryDigestAsync(ImageReference target, string tag, RegistryCredentials? credentials, CancellationToken ct)
    {
        try
        {
            using var registry = new OciRegistryClient(target.Registry, credentials);
            return await registry.GetManifestDigestAsync(target.Path, tag, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or Core.Errors.MlpException or TaskCanceledException)
        {
            return null; // cannot tell: push, and let the engine report real registry errors
        }
    }

    private ImageRecord Record(ImageBuildRequest r, string tag, string state, string? digest, long? size, TimeSpan? buildTime) => new()
    {
        ContextHash = r.ContextHash, Tag = tag, Model = r.Model, ModelVersion = r.ModelVersion, BaseImage = r.BaseImage, State = state,
        Digest = digest, SizeBytes = size, BuildTime = buildTime, ContextPath = r.ContextDirectory, CreatedAt = _clock.GetUtcNow(),
    };
}
