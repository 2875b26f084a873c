using Docker.DotNet;
using MlPipelines.Core.Errors;

namespace MlPipelines.Containers;

/// <summary>Where the Docker engine listens: a unix socket (<c>unix:///path</c>) or plain TCP (<c>tcp://host:port</c>).</summary>
public sealed record DockerEndpoint
{
    /// <summary>The engine address used when DOCKER_HOST is not set.</summary>
    public const string DefaultHost = "unix:///var/run/docker.sock";

    /// <summary>The address as given, e.g. <c>unix:///tmp/d/docker.sock</c>.</summary>
    public required string Address { get; init; }
    /// <summary>Path of the unix socket, or null for TCP.</summary>
    public string? SocketPath { get; init; }
    /// <summary>HTTP base address of requests (<c>http://localhost/</c> for a socket).</summary>
    public required Uri BaseAddress { get; init; }

    /// <summary>The endpoint named by DOCKER_HOST, or the default socket.</summary>
    public static DockerEndpoint FromEnvironment() => Parse(Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } h ? h : DefaultHost);

    /// <summary>Parses <c>unix:///path</c> or <c>tcp://host:port</c> (TLS is not supported).</summary>
    public static DockerEndpoint Parse(string address)
    {
        if (address.StartsWith("unix://", StringComparison.Ordinal))
            return new DockerEndpoint { Address = address, SocketPath = address["unix://".Length..], BaseAddress = new Uri("http://localhost/") };
        if (address.StartsWith("tcp://", StringComparison.Ordinal) || address.StartsWith("http://", StringComparison.Ordinal))
            return new DockerEndpoint { Address = address, BaseAddress = new Uri("http://" + address[(address.IndexOf("://", StringComparison.Ordinal) + 3)..].TrimEnd('/') + "/") };
        throw MlpException.Invalid($"DOCKER_HOST '{address}' is not supported; expected 'unix:///path/to/docker.sock' or 'tcp://host:port'.");
    }

    /// <summary>A Docker.DotNet client of this endpoint. The API version is left to the engine (requests carry none), so
    /// engines from 20.10 (API 1.41) to 29 answer in their own current version.</summary>
    internal DockerClient CreateClient() =>
        new DockerClientBuilder().WithEndpoint(new Uri(ClientAddress)).WithTimeout(Timeout.InfiniteTimeSpan).Build(); // callers bound calls with tokens

    // Docker.DotNet takes unix:// and tcp:// (plain HTTP) as they are; http:// is our alias of tcp://.
    private string ClientAddress => Address.StartsWith("http://", StringComparison.Ordinal) ? "tcp://" + Address["http://".Length..].TrimEnd('/') : Address;
}
