using System.Net.Http.Headers;

namespace MlPipelines.Workspace.Remote.Stores;

/// <summary>HTTP content of one byte range of a file, read from disk as it is sent (one chunk of a resumable upload).</summary>
internal static class FileSegmentContent
{
    /// <summary>Content of <paramref name="count"/> bytes of <paramref name="path"/> from <paramref name="offset"/>.</summary>
    public static HttpContent Create(string path, long offset, long count)
    {
        var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);
        fs.Seek(offset, SeekOrigin.Begin);
        var content = new StreamContent(new Segment(fs, count), 1 << 16);
        content.Headers.ContentLength = count;
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    /// <summary>A whole file as content.</summary>
    public static HttpContent Whole(string path) => Create(path, 0, new FileInfo(path).Length);

    private sealed class Segment(Stream inner, long count) : Stream
    {
        private readonly long _count = count;
        private long _left = count;

        public override int Read(byte[] buffer, int offset, int length) => Read(buffer.AsSpan(offset, length));

        public override int Read(Span<byte> buffer)
        {
            if (_left <= 0) return 0;
            var n = inner.Read(buffer[..(int)Math.Min(buffer.Length, _left)]);
            _left -= n;
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_left <= 0) return 0;
            var n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _left)], cancellationToken).ConfigureAwait(false);
            _left -= n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int length, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, length), cancellationToken).AsTask();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _count - _left; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int length) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
