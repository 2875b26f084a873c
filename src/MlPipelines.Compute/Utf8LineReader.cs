using System.Text;
using System.Text.Unicode;

namespace MlPipelines.Compute;

/// <summary>
/// Splits a process's output into lines (<c>\n</c>, <c>\r\n</c> or <c>\r</c>, like <see cref="StreamReader.ReadLine"/>)
/// and decodes each as UTF-8, saying when a line held invalid bytes (they become U+FFFD). Reads block; run it on a
/// thread of its own.
/// </summary>
/// <remarks>
/// A program that writes line by line (e.g. Python with <c>PYTHONUNBUFFERED=1</c>) makes one pipe write per line. A
/// reader that is always waiting is woken for each one, and those wake-ups cost both processes more than the lines
/// themselves. So after a read that found little, the reader pauses for <c>coalesce</c> and lets the pipe fill: one
/// read then takes hundreds of lines, and a line waits at most that long.
/// </remarks>
internal sealed class Utf8LineReader(Stream stream, TimeSpan coalesce)
{
    private const int BufferSize = 1 << 16;
    private const int SmallRead = BufferSize / 4;
    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly MemoryStream _partial = new();
    private int _start, _end;
    private bool _atStart = true, _skipLf, _pause;

    /// <summary>The next line, or null at the end of the stream.</summary>
    public (string Text, bool InvalidUtf8)? ReadLine()
    {
        while (true)
        {
            if (_start == _end && !Fill()) return _partial.Length > 0 ? Decode(TakePartial()) : null;
            if (_skipLf && _buffer[_start] == (byte)'\n') _start++;
            _skipLf = false;
            var span = _buffer.AsSpan(_start, _end - _start);
            var eol = span.IndexOfAny((byte)'\n', (byte)'\r');
            if (eol < 0) { _partial.Write(span); _start = _end; continue; }
            _skipLf = span[eol] == (byte)'\r';
            _start += eol + 1;
            if (_partial.Length == 0) return Decode(span[..eol]);
            _partial.Write(span[..eol]);
            return Decode(TakePartial());
        }
    }

    private bool Fill()
    {
        if (_pause && coalesce > TimeSpan.Zero) Thread.Sleep(coalesce);
        _start = 0;
        _end = stream.Read(_buffer);
        _pause = _end < SmallRead;
        if (_end == 0) return false;
        if (_atStart && _end >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF) _start = 3;
        _atStart = false;
        return _start < _end || Fill();
    }

    private ReadOnlySpan<byte> TakePartial()
    {
        var bytes = _partial.GetBuffer().AsSpan(0, (int)_partial.Length);
        _partial.SetLength(0); // the bytes stay in the buffer until the next write, which comes after decoding
        return bytes;
    }

    private static (string, bool) Decode(ReadOnlySpan<byte> bytes) => (Encoding.UTF8.GetString(bytes), !Utf8.IsValid(bytes));
}
