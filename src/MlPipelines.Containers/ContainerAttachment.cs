using Docker.DotNet;

namespace MlPipelines.Containers;

/// <summary>
/// The output of an attached container, demultiplexed: each read fills the buffer from one stream (stdout or stderr) in
/// the order the engine sent them; a read of 0 bytes is the end (the container exited). Dispose closes the connection.
/// </summary>
public sealed class ContainerAttachment : IDisposable
{
    private readonly MultiplexedStream _stream;
    private readonly DockerEndpoint _endpoint;

    internal ContainerAttachment(MultiplexedStream stream, DockerEndpoint endpoint)
    {
        _stream = stream;
        _endpoint = endpoint;
    }

    /// <summary>Reads the next bytes of output into <paramref name="buffer"/>.</summary>
    public Task<ContainerOutputChunk> ReadAsync(byte[] buffer, CancellationToken cancellationToken = default) =>
        EngineErrors.Call(_endpoint, "Reading container output", async () =>
        {
            var r = await _stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            return r.EOF ? new ContainerOutputChunk(false, 0) : new ContainerOutputChunk(r.Target == MultiplexedStream.TargetStream.StandardError, r.Count);
        });

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}
