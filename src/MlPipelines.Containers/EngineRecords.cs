namespace MlPipelines.Containers;

/// <summary>What <c>GET /version</c> reports.</summary>
/// <param name="Version">Engine version, e.g. 20.10.24.</param>
/// <param name="ApiVersion">Engine API version, e.g. 1.41.</param>
/// <param name="Os">Operating system of the engine.</param>
public sealed record EngineVersion(string Version, string ApiVersion, string Os);

/// <summary>An image known to the engine.</summary>
/// <param name="Id">Image id (sha256:…).</param>
/// <param name="SizeBytes">Size in bytes.</param>
/// <param name="RepoTags">Tags pointing at it.</param>
/// <param name="RepoDigests">Registry digests (REPO@sha256:…).</param>
public sealed record EngineImage(string Id, long SizeBytes, IReadOnlyList<string> RepoTags, IReadOnlyList<string> RepoDigests);

/// <summary>A container to create.</summary>
public sealed record ContainerSpec
{
    /// <summary>Image tag or id.</summary>
    public required string Image { get; init; }
    /// <summary>Container name; null lets the engine choose.</summary>
    public string? Name { get; init; }
    /// <summary>Environment as NAME=VALUE; a bare NAME removes a variable the image sets.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];
    /// <summary>Container TCP port published on 127.0.0.1 (host port chosen by the engine), or null.</summary>
    public int? PublishPort { get; init; }
    /// <summary>Command arguments replacing the image's CMD, or null.</summary>
    public IReadOnlyList<string>? Command { get; init; }
    /// <summary>Program replacing the image's ENTRYPOINT (then <see cref="Command"/> are its arguments), or null.</summary>
    public string? Entrypoint { get; init; }
    /// <summary>Working directory inside the container, or null for the image's.</summary>
    public string? WorkingDirectory { get; init; }
    /// <summary>User (<c>uid:gid</c> or a name) the process runs as, or null for the image's.</summary>
    public string? User { get; init; }
    /// <summary>Host folders and files bind-mounted into the container.</summary>
    public IReadOnlyList<ContainerMount> Mounts { get; init; } = [];
    /// <summary>Network mode (<c>host</c>, <c>bridge</c>, <c>none</c>, a network name), or null for the engine's default.</summary>
    public string? NetworkMode { get; init; }
    /// <summary>CPU limit in cores (<c>--cpus</c>), or null for none.</summary>
    public double? Cpus { get; init; }
    /// <summary>Memory limit in bytes (<c>--memory</c>, swap not allowed beyond it), or null for none.</summary>
    public long? MemoryBytes { get; init; }
    /// <summary>GPUs to request from the engine's GPU driver (<c>--gpus N</c>), or null for none.</summary>
    public int? Gpus { get; init; }
    /// <summary>Run a small init process as PID 1 (<c>--init</c>) that forwards signals and reaps zombies.</summary>
    public bool Init { get; init; }
    /// <summary>Labels of the container.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}

/// <summary>A host path bind-mounted into a container.</summary>
/// <param name="Source">Absolute host path (must exist).</param>
/// <param name="Target">Absolute path inside the container.</param>
/// <param name="ReadOnly">Whether the container may only read it.</param>
public sealed record ContainerMount(string Source, string Target, bool ReadOnly);

/// <summary>State of a container.</summary>
/// <param name="Id">Container id.</param>
/// <param name="Running">Whether it runs.</param>
/// <param name="Status">Engine status word (created, running, exited…).</param>
/// <param name="ExitCode">Exit code when exited.</param>
/// <param name="HostPort">The 127.0.0.1 port the published container port is bound to, or null.</param>
public sealed record ContainerState(string Id, bool Running, string Status, int ExitCode, int? HostPort)
{
    /// <summary>Host process id of the container's main process while it runs (0 otherwise).</summary>
    public int Pid { get; init; }
    /// <summary>The memory limit in bytes (0 = none).</summary>
    public long MemoryBytes { get; init; }
    /// <summary>The CPU limit in billionths of a core (0 = none).</summary>
    public long NanoCpus { get; init; }
    /// <summary>True when the kernel killed it for exceeding its memory limit.</summary>
    public bool OomKilled { get; init; }
    /// <summary>The container's labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}

/// <summary>One read of a container's output: which stream, and how many bytes landed in the buffer (0 = end).</summary>
/// <param name="Stderr">True for stderr, false for stdout.</param>
/// <param name="Count">Bytes read; 0 at the end of the output.</param>
public readonly record struct ContainerOutputChunk(bool Stderr, int Count);
