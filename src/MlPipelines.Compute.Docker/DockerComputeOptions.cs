using System.Globalization;
using MlPipelines.Containers;
using MlPipelines.Core.Compute;
using MlPipelines.Core.Errors;

namespace MlPipelines.Compute.Docker;

/// <summary>How a docker compute target runs jobs. Resource defaults apply when a job asks for nothing.</summary>
/// <param name="Name">The target's name (what steps give in <c>.Compute(name)</c>).</param>
public sealed record DockerComputeOptions(string Name)
{
    /// <summary>Engine address (<c>unix:///var/run/docker.sock</c>, <c>tcp://host:2375</c>); null = <c>DOCKER_HOST</c> or the local socket.</summary>
    public string? DockerHost { get; init; }

    /// <summary>Network mode of the containers; <c>host</c> by default, so jobs reach services on the machine's loopback.</summary>
    public string Network { get; init; } = "host";

    /// <summary>CPU limit (<c>--cpus</c>) of a job that asks for none; null = no limit.</summary>
    public int? Cpus { get; init; }

    /// <summary>Memory limit in MiB (<c>--memory</c>) of a job that asks for none; null = no limit.</summary>
    public long? MemoryMb { get; init; }

    /// <summary><c>uid:gid</c> (or a user name of the image) the job runs as; null = the caller's uid:gid, so outputs belong to the caller.</summary>
    public string? User { get; init; }

    /// <summary>Extra host paths every job sees read-only at the same path (e.g. a shared data folder).</summary>
    public IReadOnlyList<string> Mounts { get; init; } = [];

    /// <summary>The engine endpoint these options name.</summary>
    public DockerEndpoint Endpoint => DockerHost is { Length: > 0 } host ? DockerEndpoint.Parse(host) : DockerEndpoint.FromEnvironment();

    /// <summary>
    /// Options of a registered <c>docker</c> target (<c>mlp compute create NAME --type docker …</c>): the definition is
    /// validated by <see cref="ComputeKinds.Validate"/> and its options (<c>docker-host</c>, <c>network</c>, <c>cpus</c>,
    /// <c>memory-mb</c>, <c>user</c>, <c>mounts</c>) are read by their canonical names.
    /// </summary>
    public static DockerComputeOptions FromDefinition(ComputeTargetDefinition definition)
    {
        if (definition.Kind != "docker")
            throw MlpException.Invalid($"Compute target '{definition.Name}' is of kind '{definition.Kind}', not 'docker'.");
        var d = ComputeKinds.Validate(definition);
        string? Text(string key) => d.Options.TryGetValue(key, out var v) ? v.Trim() : null;
        long? Number(string key) => Text(key) is { } v ? long.Parse(v, NumberStyles.None, CultureInfo.InvariantCulture) : null;
        if (Text("docker-host") is { } host) DockerEndpoint.Parse(host); // a bad address fails at registration, not at the first job
        var mounts = Text("mounts") is { } list ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
        foreach (var m in mounts.Where(m => !Path.IsPathRooted(m)))
            throw MlpException.Invalid($"Mount '{m}' of compute target '{d.Name}' is not an absolute path; mounts are host paths seen read-only at the same path.");
        if (Number("cpus") is > int.MaxValue)
            throw MlpException.Invalid($"Option 'cpus' of compute target '{d.Name}' is {Text("cpus")}; that is more cores than any machine has.");
        return new DockerComputeOptions(d.Name)
        {
            DockerHost = Text("docker-host"),
            Network = Text("network") ?? "host",
            Cpus = Number("cpus") is { } cpus ? (int)cpus : null,
            MemoryMb = Number("memory-mb"),
            User = Text("user"),
            Mounts = mounts,
        };
    }
}
