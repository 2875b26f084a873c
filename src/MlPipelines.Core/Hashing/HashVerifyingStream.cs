using System.Security.Cryptography;

namespace MlPipelines.Core.Hashing;

/// <summary>
/// A read-only stream that hashes every byte read through it and, when the end is reached, compares the SHA-256 with the
/// expected one: a mismatch throws the exception made by the mismatch callback (given the actual hash and length) from that
/// last read, so a consumer that reads to the end never accepts corrupt content silently.
/// </summary>
public sealed class HashVerifyingStream : Stream
{
    private readonly Stream _inner;
    private readonly string _expected;
    private readonly Func<string, long, Exception> _mismatch;
    private readonly IDisposable? _owner;
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _length;
    private string? _actual;

    /// <summary>Wraps <paramref name="inner"/> (disposed with this stream, and so is <paramref name="owner"/>, e.g. an HTTP response).</summary>
    /// <param name="inner">The content to read.</param>
    /// <param name="expectedHash">The SHA-256 the content must have (lowercase hex).</param>
    /// <param name="mismatch">Makes the exception thrown at the end when the content hashes to something else: (actual hash, length).</param>
    /// <param name="owner">Disposed after <paramref name="inner"/>.</param>
    public HashVerifyingStream(Stream inner, string expectedHash, Func<string, long, Exception> mismatch, IDisposable? owner = null)
    {
        _inner = inner;
        _expected = expectedHash;
        _mismatch = mismatch;
        _owner = owner;
    }

    /// <summary>The SHA-256 of the content once the end was read, else null.</summary>
    public string? ActualHash => _actual;

    /// <summary>Bytes read so far.</summary>
    public long BytesRead => _length;

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        var n = _inner.Read(buffer);
        return Seen(buffer[..n], buffer.Length);
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Seen(buffer.Span[..n], buffer.Length);
    }

    private int Seen(ReadOnlySpan<byte> data, int requested)
    {
        if (data.Length > 0)
        {
            _sha.AppendData(data);
            _length += data.Length;
            return data.Length;
        }
        if (_actual is null && requested > 0) // a zero-length read of a non-empty buffer is the end
        {
            _actual = Convert.ToHexStringLower(_sha.GetHashAndReset());
            if (!string.Equals(_actual, _expected, StringComparison.Ordinal)) throw _mismatch(_actual, _length);
        }
        return 0;
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
    public override long Position { get => _length; set => throw new NotSupportedException(); }
    /// <inheritdoc />
    public override void Flush() { }
    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();
    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _owner?.Dispose();
            _sha.Dispose();
        }
        base.Dispose(disposing);
    }
}
