using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MlPipelines.Core.Errors;

namespace MlPipelines.Containers;

/// <summary>
/// A small Docker Engine API client over HttpClient (unix socket or TCP): ping, version, build, inspect, tag, push,
/// containers and logs. Errors become <see cref="MlpException"/>s quoting the engine's message.
/// </summary>
public sealed class DockerEngineClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>A client of the engine at <paramref name="endpoint"/>.</summary>
    public DockerEngineClient(DockerEndpoint endpoint)
    {
        Endpoint = endpoint;
        _http = new HttpClient(endpoint.CreateHandler()) { BaseAddress = endpoint.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
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
            using var r = await _http.GetAsync("_ping", cts.Token).ConfigureAwait(false);
            return r.IsSuccessStatusCode ? (true, null) : (false, $"GET /_ping answered {(int)r.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return (false, e.InnerException?.Message ?? e.Message);
        }
    }

    /// <summary>Engine and API version.</summary>
    public async Task<EngineVersion> VersionAsync(CancellationToken cancellationToken = default)
    {
        using var doc = await GetJsonAsync("version", cancellationToken).ConfigureAwait(false);
        var r = doc!.RootElement;
        return new EngineVersion(r.GetProperty("Version").GetString()!, r.GetProperty("ApiVersion").GetString()!, r.GetProperty("Os").GetString()!);
    }

    /// <summary>Builds the tar'ed <paramref name="contextDirectory"/> as <paramref name="tag"/>, streaming build output lines
    /// to <paramref name="progress"/>; returns the image id. Fails with the engine's message on a build error.</summary>
    public async Task<string> BuildAsync(string contextDirectory, string tag, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var tarPath = Path.Combine(Path.GetTempPath(), $"mlp-context-{Guid.NewGuid():n}.tar");
        try
        {
            await using (var tarFile = File.Create(tarPath)) await ContextTar.WriteAsync(contextDirectory, tarFile, cancellationToken).ConfigureAwait(false);
            await using var body = File.OpenRead(tarPath);
            using var request = new HttpRequestMessage(HttpMethod.Post, $"build?t={Uri.EscapeDataString(tag)}&rm=1&forcerm=1")
            {
                Content = new StreamContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/x-tar") } },
            };
            string? imageId = null;
            await StreamJsonLinesAsync(request, $"Building '{tag}'", line =>
            {
                if (line.TryGetProperty("stream", out var s) && s.GetString() is { Length: > 0 } text) progress?.Invoke(text.TrimEnd('\n'));
                if (line.TryGetProperty("aux", out var aux) && aux.TryGetProperty("ID", out var id)) imageId = id.GetString();
            }, cancellationToken).ConfigureAwait(false);
            return imageId ?? (await InspectImageAsync(tag, cancellationToken).ConfigureAwait(false))?.Id
                ?? throw MlpException.Failed($"Building '{tag}' reported success but the engine has no such image.");
        }
        finally
        {
            File.Delete(tarPath);
        }
    }

    /// <summary>The image named <paramref name="nameOrId"/>, or null when the engine has none.</summary>
    public async Task<EngineImage?> InspectImageAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        using var doc = await GetJsonAsync($"images/{nameOrId}/json", cancellationToken, allowNotFound: true).ConfigureAwait(false);
        if (doc is null) return null;
        var r = doc.RootElement;
        return new EngineImage(r.GetProperty("Id").GetString()!, r.GetProperty("Size").GetInt64(), Strings(r, "RepoTags"), Strings(r, "RepoDigests"));
    }

    /// <summary>Tags <paramref name="source"/> as <paramref name="repository"/>:<paramref name="tag"/>.</summary>
    public async Task TagAsync(string source, string repository, string tag, CancellationToken cancellationToken = default)
    {
        using var r = await _http.PostAsync($"images/{source}/tag?repo={Uri.EscapeDataString(repository)}&tag={Uri.EscapeDataString(tag)}", null, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(r, $"Tagging '{source}' as '{repository}:{tag}'").ConfigureAwait(false);
    }

    /// <summary>Pushes <paramref name="repository"/>:<paramref name="tag"/>; returns the registry digest (sha256:…).</summary>
    public async Task<string?> PushAsync(string repository, string tag, RegistryCredentials? credentials, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var registry = ImageReference.ParseRepository(repository).Registry;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"images/{repository}/push?tag={Uri.EscapeDataString(tag)}");
        request.Headers.Add("X-Registry-Auth", RegistryCredentials.EngineAuthHeader(credentials, registry));
        string? digest = null;
        string? lastStatus = null;
        await StreamJsonLinesAsync(request, $"Pushing '{repository}:{tag}'", line =>
        {
            if (line.TryGetProperty("status", out var s) && s.GetString() is { } status && status != lastStatus)
            {
                lastStatus = status;
                var id = line.TryGetProperty("id", out var i) ? i.GetString() + ": " : "";
                progress?.Invoke(id + status);
            }
            if (line.TryGetProperty("aux", out var aux) && aux.TryGetProperty("Digest", out var d)) digest = d.GetString();
        }, cancellationToken).ConfigureAwait(false);
        return digest;
    }

    /// <summary>Removes an image (forced).</summary>
    public async Task RemoveImageAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        using var r = await _http.DeleteAsync($"images/{nameOrId}?force=1", cancellationToken).ConfigureAwait(false);
        if (r.StatusCode != HttpStatusCode.NotFound) await EnsureAsync(r, $"Removing image '{nameOrId}'").ConfigureAwait(false);
    }

    /// <summary>Creates a container; returns its id.</summary>
    public async Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken = default)
    {
        var body = new Dictionary<string, object?> { ["Image"] = spec.Image, ["Env"] = spec.Env };
        if (spec.Command is not null) body["Cmd"] = spec.Command;
        if (spec.PublishPort is { } port)
        {
            var key = $"{port}/tcp";
            body["ExposedPorts"] = new Dictionary<string, object> { [key] = new { } };
            body["HostConfig"] = new { PortBindings = new Dictionary<string, object> { [key] = new[] { new { HostIp = "127.0.0.1", HostPort = "" } } } };
        }
        var name = spec.Name is null ? "" : "?name=" + Uri.EscapeDataString(spec.Name);
        using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var r = await _http.PostAsync("containers/create" + name, content, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(r, $"Creating a container of '{spec.Image}'").ConfigureAwait(false);
        using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        return doc.RootElement.GetProperty("Id").GetString()!;
    }

    /// <summary>Starts a container.</summary>
    public Task StartContainerAsync(string id, CancellationToken cancellationToken = default) => PostAsync($"containers/{id}/start", $"Starting container '{id}'", cancellationToken);

    /// <summary>Stops a container, killing it after <paramref name="graceSeconds"/>.</summary>
    public Task StopContainerAsync(string id, int graceSeconds = 5, CancellationToken cancellationToken = default) =>
        PostAsync($"containers/{id}/stop?t={graceSeconds}", $"Stopping container '{id}'", cancellationToken);

    /// <summary>Sends <paramref name="signal"/> (default SIGKILL) to a running container's main process.</summary>
    public Task KillContainerAsync(string id, string signal = "KILL", CancellationToken cancellationToken = default) =>
        PostAsync($"containers/{id}/kill?signal={Uri.EscapeDataString(signal)}", $"Killing container '{id}'", cancellationToken);

    /// <summary>Removes a container (forced; a running one is killed).</summary>
    public async Task RemoveContainerAsync(string id, CancellationToken cancellationToken = default)
    {
        using var r = await _http.DeleteAsync($"containers/{id}?force=1&v=1", cancellationToken).ConfigureAwait(false);
        if (r.StatusCode != HttpStatusCode.NotFound) await EnsureAsync(r, $"Removing container '{id}'").ConfigureAwait(false);
    }

    /// <summary>State of a container, with the host port of its first published port.</summary>
    public async Task<ContainerState> InspectContainerAsync(string id, CancellationToken cancellationToken = default)
    {
        using var doc = await GetJsonAsync($"containers/{id}/json", cancellationToken).ConfigureAwait(false);
        var r = doc!.RootElement;
        var state = r.GetProperty("State");
        int? hostPort = null;
        if (r.GetProperty("NetworkSettings").TryGetProperty("Ports", out var ports) && ports.ValueKind == JsonValueKind.Object)
            foreach (var p in ports.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.Array && p.Value.GetArrayLength() > 0 && int.TryParse(p.Value[0].GetProperty("HostPort").GetString(), out var hp))
                { hostPort = hp; break; }
        return new ContainerState(r.GetProperty("Id").GetString()!, state.GetProperty("Running").GetBoolean(),
            state.GetProperty("Status").GetString()!, state.GetProperty("ExitCode").GetInt32(), hostPort);
    }

    /// <summary>stdout and stderr of a container so far (demultiplexed).</summary>
    public async Task<string> LogsAsync(string id, CancellationToken cancellationToken = default)
    {
        using var r = await _http.GetAsync($"containers/{id}/logs?stdout=1&stderr=1", cancellationToken).ConfigureAwait(false);
        await EnsureAsync(r, $"Reading logs of container '{id}'").ConfigureAwait(false);
        return EngineStreams.Demultiplex(await r.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task PostAsync(string path, string what, CancellationToken ct)
    {
        using var r = await _http.PostAsync(path, null, ct).ConfigureAwait(false);
        if (r.StatusCode != HttpStatusCode.NotModified) await EnsureAsync(r, what).ConfigureAwait(false);
    }

    private async Task<JsonDocument?> GetJsonAsync(string path, CancellationToken ct, bool allowNotFound = false)
    {
        using var r = await _http.GetAsync(path, ct).ConfigureAwait(false);
        if (allowNotFound && r.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureAsync(r, $"GET /{path}").ConfigureAwait(false);
        return JsonDocument.Parse(await r.Content.ReadAsStreamAsync(ct).ConfigureAwait(false));
    }

    private async Task StreamJsonLinesAsync(HttpRequestMessage request, string what, Action<JsonElement> onLine, CancellationToken ct)
    {
        using var r = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        await EnsureAsync(r, what).ConfigureAwait(false);
        using var reader = new StreamReader(await r.Content.ReadAsStreamAsync(ct).ConfigureAwait(false));
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.TryGetProperty("errorDetail", out var detail) || root.TryGetProperty("error", out detail))
            {
                var message = detail.ValueKind == JsonValueKind.Object && detail.TryGetProperty("message", out var m) ? m.GetString() : detail.ToString();
                throw MlpException.Failed($"{what} failed: {message?.Trim()}");
            }
            onLine(root);
        }
    }

    private static async Task EnsureAsync(HttpResponseMessage r, string what)
    {
        if (r.IsSuccessStatusCode) return;
        var body = await r.Content.ReadAsStringAsync().ConfigureAwait(false);
        string message = body;
        try { using var doc = JsonDocument.Parse(body); message = doc.RootElement.GetProperty("message").GetString() ?? body; }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException) { }
        var text = $"{what} failed: the Docker engine answered {(int)r.StatusCode}: {message.Trim()}";
        throw r.StatusCode == HttpStatusCode.NotFound ? new MlpException(ErrorKind.NotFound, text) : MlpException.Failed(text);
    }

    private static IReadOnlyList<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().Select(x => x.GetString()!).ToList() : [];
}
