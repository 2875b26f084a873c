using System.Text;
using System.Text.Unicode;

namespace MlPipelines.Compute.Kubernetes;

/// <summary>
/// Splits a pod's log stream into lines (<c>\n</c>, a preceding <c>\r</c> dropped) and decodes each as UTF-8, saying when a
/// line held invalid bytes (they become U+FFFD). A last line without a newline is returned at the end of the stream.
/// </summary>
internal sealed class KubernetesLogLines(Stream stream)
{
    private readonly byte[] _buffer = new byte[1 << 16];
    private readonly MemoryStream _partial = new();
    private int _start, _end;
    private bool _eof;

    /// <summary>The next line, or null at the end of the stream.</summary>
    public async Task<(string Text, bool InvalidUtf8)?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_start < _end)
            {
                var span = _buffer.AsSpan(_start, _end - _start);
                var eol = span.IndexOf((byte)'\n');
                if (eol >= 0)
                {
                    _partial.Write(span[..eol]);
                    _start += eol + 1;
                    return Take();
                }
                _partial.Write(span);
                _start = _end;
            }
            if (_eof) return _partial.Length > 0 ? Take() : null;
            _start = 0;
            _end = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
            _eof = _end == 0;
        }
    }

    private (string, bool) Take()
    {
        var bytes = _partial.GetBuffer().AsSpan(0, (int)_partial.Length);
        if (bytes.Length > 0 && bytes[^1] == (byte)'\r') bytes = bytes[..^1];
        var line = (Encoding.UTF8.GetString(bytes), !Utf8.IsValid(bytes));
        _partial.SetLength(0);
        return line;
    }
}
