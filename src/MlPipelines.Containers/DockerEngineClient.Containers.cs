using System.Globalization;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using MlPipelines.Core.Errors;

namespace MlPipelines.Containers;

public sealed partial class DockerEngineClient
{
    /// <summary>Creates a container; returns its id.</summary>
    public Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken cancellationToken = default) =>
        EngineErrors.Call(Endpoint, $"Creating a container of '{spec.Image}'", async () =>
        {
            var created = await _client.Containers.CreateContainerAsync(ToParameters(spec), cancellationToken).ConfigureAwait(false);
            return created.ID;
        });

    /// <summary>
    /// Attaches to the stdout and stderr of a container, typically created and not yet started, so that no output is
    /// missed: the attachment then delivers everything the container writes until it exits.
    /// </summary>
    public Task<ContainerAttachment> AttachContainerAsync(string id, CancellationToken cancellationToken = default) =>
        EngineErrors.Call(Endpoint, $"Attaching to container '{id}'", async () =>
        {
            var stream = await _client.Containers.AttachContainerAsync(id,
                new ContainerAttachParameters { Stream = true, Stdout = true, Stderr = true }, cancellationToken).ConfigureAwait(false);
            return new ContainerAttachment(stream, Endpoint);
        });

    /// <summary>Starts a container (nothing happens when it already runs).</summary>
    public Task StartContainerAsync(string id, CancellationToken cancellationToken = default) =>
        EngineErrors.Call(Endpoint, $"Starting container '{id}'", () => _client.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken));

    /// <summary>Waits until a started container exits; returns its exit code.</summary>
    public Task<int> WaitContainerAsync(string id, CancellationToken cancellationToken = default) =>
        EngineErrors.Call(Endpoint, $"Waiting for container '{id}'", async () =>
        {
            var r = await _client.Containers.WaitContainerAsync(id, cancellationToken).ConfigureAwait(false);
            if (r.Error?.Message is { Length: > 0 } m) throw MlpException.Failed($"Waiting for container '{id}' failed: {m}");
            return (int)r.StatusCode;
        });

    /// <summary>Stops a container: SIGTERM, then SIGKILL after <paramref name="graceSeconds"/>.</summary>
    public Task StopContainerAsync(string id, int graceSeconds = 5, CancellationToken cancellationToken = default) =>
        EngineErrors.Call(Endpoint, $"Stopping container '{id}'", () =>
            _client.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Max(0, graceSeconds) }, cancellationToken));

    /// <summary>Sends <paramref name="signal"/> (default SIGKILL) to a running container's main process.</summary>
    public Task KillContainerAsync(string id, string signal = "KILL", CancellationToken cancellationToken = default) =>
        EngineErrors.Call(Endpoint, $"Killing container '{id}'", () =>
            _client.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = signal }, cancellationToken));

    /// <summary>Removes a container with its anonymous volumes (forced: a running one is killed); nothing happens when it is gone already.</summary>
    public async Task RemoveContainerAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            await EngineErrors.Call(Endpoint, $"Removing container '{id}'", () =>
                _client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken)).ConfigureAwait(false);
        }
        catch (MlpException e) when (Missing(e) || e.Kind == ErrorKind.Conflict && e.Message.Contains("already in progress", StringComparison.Ordinal)) { }
    }

    /// <summary>State of a container, with the host port of its first published port and its limits.</summary>
    public Task<ContainerState> InspectContainerAsync(string id, CancellationToken cancellationToken = default) =>
        EngineErrors.Call(Endpoint, $"Inspecting container '{id}'", async () =>
        {
            var r = await _client.Containers.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false);
            int? hostPort = null;
            foreach (var bindings in r.NetworkSettings?.Ports?.Values ?? (ICollection<IList<PortBinding>>)[])
                if (bindings is { Count: > 0 } && int.TryParse(bindings[0].HostPort, NumberStyles.None, CultureInfo.InvariantCulture, out var hp)) { hostPort = hp; break; }
            var state = r.State ?? new State { Status = "unknown" };
            return new ContainerState(r.ID, state.Running, state.Status, (int)state.ExitCode, hostPort)
            {
                Pid = (int)state.Pid, OomKilled = state.OOMKilled, MemoryBytes = r.HostConfig?.Memory ?? 0, NanoCpus = r.HostConfig?.NanoCPUs ?? 0,
                Labels = r.Config?.Labels is { } labels ? new Dictionary<string, string>(labels) : new Dictionary<string, string>(),
            };
        });

    /// <summary>Ids of every container (running or not) carrying the label <paramref name="key"/>, or <paramref name="key"/>=<paramref name="value"/>.</summary>
    public Task<IReadOnlyList<string>> ListContainersAsync(string key, string? value = null, CancellationToken cancellationToken = default) =>
        EngineErrors.Call(Endpoint, $"Listing containers labelled '{key}'", async () =>
        {
            var filter = value is null ? key : $"{key}={value}";
            var list = await _client.Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true, Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [filter] = true } },
            }, cancellationToken).ConfigureAwait(false);
            return (IReadOnlyList<string>)list.Select(c => c.ID).ToList();
        });

    /// <summary>stdout and stderr of a container so far, interleaved as written.</summary>
    public Task<string> LogsAsync(string id, CancellationToken cancellationToken = default) =>
        EngineErrors.Call(Endpoint, $"Reading logs of container '{id}'", async () =>
        {
            using var stream = await _client.Containers.GetContainerLogsAsync(id, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }, cancellationToken).ConfigureAwait(false);
            var bytes = new MemoryStream();
            var buffer = new byte[16 * 1024];
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
                if (read.EOF || read.Count == 0) break;
                bytes.Write(buffer, 0, read.Count);
            }
            return Encoding.UTF8.GetString(bytes.GetBuffer(), 0, (int)bytes.Length);
        });

    // Docker.DotNet's models declare their properties non-null, yet leave nulls out of the request: a null here means
    // "the engine's default" (hence the '!').
    private static CreateContainerParameters ToParameters(ContainerSpec spec)
    {
        var host = new HostConfig
        {
            NetworkMode = spec.NetworkMode!,
            Mounts = spec.Mounts.Count == 0 ? null! : spec.Mounts.Select(m => new Mount { Type = "bind", Source = m.Source, Target = m.Target, ReadOnly = m.ReadOnly }).ToList(),
            Memory = spec.MemoryBytes ?? 0,
            MemorySwap = spec.MemoryBytes ?? 0, // equal to Memory: no swap beyond the limit
            NanoCPUs = spec.Cpus is { } cpus ? (long)Math.Round(cpus * 1e9) : 0,
            DeviceRequests = spec.Gpus is > 0 and var gpus ? [new DeviceRequest { Driver = "", Count = gpus, Capabilities = [["gpu"]] }] : null!,
            Init = spec.Init ? true : null,
        };
        var parameters = new CreateContainerParameters
        {
            Name = spec.Name!, Image = spec.Image, Env = [.. spec.Env], User = spec.User!, WorkingDir = spec.WorkingDirectory!,
            Labels = spec.Labels.Count == 0 ? null! : new Dictionary<string, string>(spec.Labels), HostConfig = host,
        };
        if (spec.Entrypoint is { } entrypoint) parameters.Entrypoint = [entrypoint];
        if (spec.Command is not null) parameters.Cmd = [.. spec.Command];
        if (spec.PublishPort is { } port)
        {
            var key = $"{port}/tcp";
            parameters.ExposedPorts = new Dictionary<string, EmptyStruct> { [key] = default };
            host.PortBindings = new Dictionary<string, IList<PortBinding>> { [key] = [new PortBinding { HostIP = "127.0.0.1", HostPort = "" }] };
        }
        return parameters;
    }
}
