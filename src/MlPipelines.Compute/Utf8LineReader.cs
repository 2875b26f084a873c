using System.Text;
using System.Text.Unicode;

namespace MlPipelines.Compute;

/// <summary>
/// Splits a process's output into lines (<c>\n</c>, <c>\r\n</c> or <c>\r</c>, like <see cref="StreamReader.ReadLine"/>)
/// and decodes each as UTF-8, saying when a line held invalid bytes (they become U+FFFD).
/// </summary>
internal sealed class Utf8LineReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[8192];
    private readonly MemoryStream _line = new();
    private int _start, _end;
    private bool _atStart = true, _skipLf;

    /// <summary>The next line, or null at the end of the stream.</summary>
    public async Task<(string Text, bool InvalidUtf8)?> ReadLineAsync()
    {
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await stream.ReadAsync(_buffer).ConfigureAwait(false);
                if (_end == 0) return _line.Length > 0 ? Take() : null;
                if (_atStart && _end >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF) _start = 3;
                _atStart = false;
            }
            if (_skipLf && _buffer[_start] == (byte)'\n') _start++;
            _skipLf = false;
            var span = _buffer.AsSpan(_start, _end - _start);
            var eol = span.IndexOfAny((byte)'\n', (byte)'\r');
            if (eol < 0) { _line.Write(span); _start = _end; continue; }
            _line.Write(span[..eol]);
            _skipLf = span[eol] == (byte)'\r';
            _start += eol + 1;
            return Take();
        }
    }

    private (string, bool) Take()
    {
        var bytes = _line.GetBuffer().AsSpan(0, (int)_line.Length);
        var result = (Encoding.UTF8.GetString(bytes), !Utf8.IsValid(bytes));
        _line.SetLength(0);
        return result;
    }
}
