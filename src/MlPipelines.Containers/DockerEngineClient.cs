using System.Net;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using MlPipelines.Core.Errors;

namespace MlPipelines.Containers;

/// <summary>
/// The project's one adapter of the Docker Engine API, over Docker.DotNet (unix socket or TCP): ping, version, build,
/// inspect, tag, push and remove images; create, attach, start, wait, stop, kill, inspect, list and remove containers,
/// and their logs. Other projects see only this class and its records, never Docker.DotNet's types. Errors become
/// <see cref="MlpException"/>s quoting the engine's message (NotFound for 404, Conflict for 409, Unavailable when the
/// engine cannot be reached).
/// </summary>
public sealed partial class DockerEngineClient : IDisposable
{
    private readonly DockerClient _client;

    /// <summary>A client of the engine at <paramref name="endpoint"/>; nothing is sent until the first call.</summary>
    public DockerEngineClient(DockerEndpoint endpoint)
    {
        Endpoint = endpoint;
        _client = endpoint.CreateClient();
    }

    /// <summary>The engine address.</summary>
    public DockerEndpoint Endpoint { get; }

    /// <summary>True when the engine answers <c>GET /_ping</c> within <paramref name="timeout"/>; the reason otherwise.</summary>
    public async Task<(bool Ok, string? Problem)> PingAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(3));
        try
        {
            await _client.System.PingAsync(cts.Token).ConfigureAwait(false);
            return (true, null);
        }
        catch (DockerApiException e)
        {
            return (false, $"GET /_ping answered {(int)e.StatusCode}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, $"no answer within {(timeout ?? TimeSpan.FromSeconds(3)).TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or AggregateException or System.Net.Sockets.SocketException)
        {
            return (false, EngineErrors.Innermost(e).Message);
        }
    }

    /// <summary>Engine and API version.</summary>
    public Task<EngineVersion> VersionAsync(CancellationToken cancellationToken = default) =>
        EngineErrors.Call(Endpoint, "GET /version", async () =>
        {
            var v = await _client.System.GetVersionAsync(cancellationToken).ConfigureAwait(false);
            return new EngineVersion(v.Version, v.APIVersion, v.Os);
        });

    /// <summary>Builds the tar'ed <paramref name="contextDirectory"/> as <paramref name="tag"/>, streaming build output lines
    /// to <paramref name="progress"/>; returns the image id. Fails with the engine's message on a build error.</summary>
    public async Task<string> BuildAsync(string contextDirectory, string tag, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var what = $"Building '{tag}'";
        var tarPath = Path.Combine(Path.GetTempPath(), $"mlp-context-{Guid.NewGuid():n}.tar");
        try
        {
            await using (var tarFile = File.Create(tarPath)) await ContextTar.WriteAsync(contextDirectory, tarFile, cancellationToken).ConfigureAwait(false);
            await using var body = File.OpenRead(tarPath);
            string? imageId = null, error = null;
            var messages = new SyncProgress<JSONMessage>(m =>
            {
                if (error is not null) return;
                if (m.Error?.Message is { Length: > 0 } e) { error = e; return; }
                if (m.Stream is { Length: > 0 } text) progress?.Invoke(text.TrimEnd('\n'));
                if (Aux(m, "ID") is { } id) imageId = id;
            });
            var parameters = new ImageBuildParameters { Tags = [tag], Remove = true, ForceRemove = true };
            await EngineErrors.Call(Endpoint, what, () =>
                _client.Images.BuildImageFromDockerfileAsync(parameters, body, null, null, messages, cancellationToken)).ConfigureAwait(false);
            if (error is not null) throw MlpException.Failed($"{what} failed: {error.Trim()}");
            return imageId ?? (await InspectImageAsync(tag, cancellationToken).ConfigureAwait(false))?.Id
                ?? throw MlpException.Failed($"{what} reported success but the engine has no such image.");
        }
        finally
        {
            File.Delete(tarPath);
        }
    }

    /// <summary>The image named <paramref name="nameOrId"/>, or null when the engine has none.</summary>
    public async Task<EngineImage?> InspectImageAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        try
        {
            return await EngineErrors.Call(Endpoint, $"Inspecting image '{nameOrId}'", async () =>
            {
                var r = await _client.Images.InspectImageAsync(nameOrId, cancellationToken).ConfigureAwait(false);
                return new EngineImage(r.ID, r.Size, [.. r.RepoTags ?? []], [.. r.RepoDigests ?? []]);
            }).ConfigureAwait(false);
        }
        catch (MlpException e) when (e.Kind == ErrorKind.NotFound)
        {
            return null;
        }
    }

    /// <summary>Tags <paramref name="source"/> as <paramref name="repository"/>:<paramref name="tag"/>.</summary>
    public Task TagAsync(string source, string repository, string tag, CancellationToken cancellationToken = default) =>
        EngineErrors.Call(Endpoint, $"Tagging '{source}' as '{repository}:{tag}'", () =>
            _client.Images.TagImageAsync(source, new ImageTagParameters { RepositoryName = repository, Tag = tag }, cancellationToken));

    /// <summary>Pushes <paramref name="repository"/>:<paramref name="tag"/>; returns the registry digest (sha256:…).</summary>
    public async Task<string?> PushAsync(string repository, string tag, RegistryCredentials? credentials, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var what = $"Pushing '{repository}:{tag}'";
        var registry = ImageReference.ParseRepository(repository).Registry;
        var auth = credentials is null
            ? new AuthConfig()
            : new AuthConfig { Username = credentials.Username, Password = credentials.Password, ServerAddress = registry };
        string? digest = null, lastStatus = null, error = null;
        var messages = new SyncProgress<JSONMessage>(m =>
        {
            if (error is not null) return;
            if (m.Error?.Message is { Length: > 0 } e) { error = e; return; }
            if (m.Status is { } status && status != lastStatus)
            {
                lastStatus = status;
                progress?.Invoke((m.ID is { Length: > 0 } id ? id + ": " : "") + status);
            }
            if (Aux(m, "Digest") is { } d) digest = d;
        });
        await EngineErrors.Call(Endpoint, what, () =>
            _client.Images.PushImageAsync(repository, new ImagePushParameters { Tag = tag }, auth, messages, cancellationToken)).ConfigureAwait(false);
        if (error is not null) throw MlpException.Failed($"{what} failed: {error.Trim()}");
        return digest;
    }

    /// <summary>Removes an image (forced); nothing happens when the engine has none of that name.</summary>
    public async Task RemoveImageAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        try
        {
            await EngineErrors.Call(Endpoint, $"Removing image '{nameOrId}'", () =>
                _client.Images.DeleteImageAsync(nameOrId, new ImageDeleteParameters { Force = true }, cancellationToken)).ConfigureAwait(false);
        }
        catch (MlpException e) when (e.Kind == ErrorKind.NotFound) { }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private static string? Aux(JSONMessage m, string key) =>
        m.Aux?.ExtensionData is { } data && data.TryGetValue(key, out var value) && value is not null
            ? value is JsonElement { ValueKind: JsonValueKind.String } s ? s.GetString() : value.ToString()
            : null;

    private static bool Missing(Exception e) => EngineErrors.Status(e) == HttpStatusCode.NotFound || e is MlpException { Kind: ErrorKind.NotFound };

    /// <summary>Calls back on the reporting thread, in order (Progress&lt;T&gt; posts to the thread pool and may reorder).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
