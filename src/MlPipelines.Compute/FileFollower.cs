namespace MlPipelines.Compute;

/// <summary>
/// A read-only stream over a file another machine or process is still writing (a cluster job's log on a shared
/// folder): a read waits for more bytes — polling, since change notifications do not cross network file systems —
/// until <see cref="Complete"/> is called, after which the rest is read and the stream ends. The file may not exist yet.
/// </summary>
internal sealed class FileFollower(string path, TimeSpan pollInterval) : Stream
{
    private FileStream? _file;
    private volatile bool _complete;

    /// <summary>The writer is done: read what is left, then end.</summary>
    public void Complete() => _complete = true;

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            var done = _complete; // read before the file, so bytes written before Complete() are never missed
            if (_file is null && File.Exists(path))
            {
                try { _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None); }
                catch (FileNotFoundException) { }
            }
            if (_file is not null)
            {
                var n = _file.Read(buffer);
                if (n > 0) return n;
            }
            if (done) return 0;
            Thread.Sleep(pollInterval);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _file?.Dispose();
        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override bool CanRead => true;
    /// <inheritdoc />
    public override bool CanSeek => false;
    /// <inheritdoc />
    public override bool CanWrite => false;
    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();
    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    /// <inheritdoc />
    public override void Flush() { }
    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();
    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
