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
    /// <summary>Environment as NAME=VALUE.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];
    /// <summary>Container TCP port published on 127.0.0.1 (host port chosen by the engine), or null.</summary>
    public int? PublishPort { get; init; }
    /// <summary>Command arguments replacing the image's CMD, or null.</summary>
    public IReadOnlyList<string>? Command { get; init; }
}

/// <summary>State of a container.</summary>
/// <param name="Id">Container id.</param>
/// <param name="Running">Whether it runs.</param>
/// <param name="Status">Engine status word (created, running, exited…).</param>
/// <param name="ExitCode">Exit code when exited.</param>
/// <param name="HostPort">The 127.0.0.1 port the published container port is bound to, or null.</param>
public sealed record ContainerState(string Id, bool Running, string Status, int ExitCode, int? HostPort);
