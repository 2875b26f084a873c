using System.Net.Sockets;
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

    internal HttpMessageHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) };
        if (SocketPath is { } path)
        {
            handler.ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        return handler;
    }
}
