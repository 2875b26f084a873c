using MlPipelines.Containers;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;

namespace MlPipelines.Compute.Docker;

/// <summary>
/// Reads an attached container's output (stdout and stderr interleaved, in the order the engine sent them) and hands
/// every completed line to the observer under the target's lock, each stream split by its own <see cref="Utf8LineSplitter"/>.
/// </summary>
internal static class OutputPump
{
    private const int BufferSize = 1 << 16;

    /// <summary>Runs until the output ends (the container exited) or the attachment is closed.</summary>
    public static Task Run(ContainerAttachment attachment, ComputeObserver observer, object gate) => Task.Run(async () =>
    {
        var buffer = new byte[BufferSize];
        var stdout = new Utf8LineSplitter();
        var stderr = new Utf8LineSplitter();
        var onStdout = Handler(LogStream.Stdout, observer, gate);
        var onStderr = Handler(LogStream.Stderr, observer, gate);
        while (true)
        {
            ContainerOutputChunk chunk;
            try
            {
                chunk = await attachment.ReadAsync(buffer).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MlpException or ObjectDisposedException or IOException)
            {
                break; // the connection was closed: the container is gone
            }
            if (chunk.Count == 0) break;
            if (chunk.Stderr) stderr.Push(buffer.AsSpan(0, chunk.Count), onStderr);
            else stdout.Push(buffer.AsSpan(0, chunk.Count), onStdout);
        }
        stdout.Complete(onStdout);
        stderr.Complete(onStderr);
    });

    private static Action<string, bool> Handler(LogStream stream, ComputeObserver observer, object gate) => (text, invalid) =>
    {
        if (observer.OnOutput is not { } onOutput) return;
        lock (gate) onOutput(new OutputLine(stream, DateTimeOffset.UtcNow, text) { InvalidUtf8 = invalid });
    };
}
