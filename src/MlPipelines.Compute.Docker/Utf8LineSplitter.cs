using System.Text;
using System.Text.Unicode;

namespace MlPipelines.Compute.Docker;

/// <summary>
/// Splits one output stream that arrives in chunks into lines, with the rules of the compute module's
/// <c>Utf8LineReader</c>: <c>\n</c>, <c>\r\n</c> or <c>\r</c> end a line, a leading UTF-8 BOM is dropped, and each line is
/// decoded as UTF-8 on its own, saying when it held invalid bytes (they become U+FFFD). A chunk may end anywhere — inside
/// a multi-byte character or between <c>\r</c> and <c>\n</c> — since bytes are kept until their line is complete.
/// Push-based, because the engine hands over stdout and stderr interleaved in one connection.
/// </summary>
internal sealed class Utf8LineSplitter
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];
    private readonly MemoryStream _partial = new();
    private bool _skipLf;
    private int _bomMatched; // bytes of a leading BOM seen so far; -1 once the start of the stream is past

    /// <summary>Takes the next bytes; calls <paramref name="onLine"/> for each line they complete, in order.</summary>
    public void Push(ReadOnlySpan<byte> chunk, Action<string, bool> onLine)
    {
        chunk = SkipBom(chunk);
        while (!chunk.IsEmpty)
        {
            if (_skipLf)
            {
                _skipLf = false;
                if (chunk[0] == (byte)'\n') { chunk = chunk[1..]; continue; }
            }
            var eol = chunk.IndexOfAny((byte)'\n', (byte)'\r');
            if (eol < 0) { _partial.Write(chunk); return; }
            _skipLf = chunk[eol] == (byte)'\r';
            if (_partial.Length == 0) Emit(chunk[..eol], onLine);
            else
            {
                _partial.Write(chunk[..eol]);
                Emit(_partial.GetBuffer().AsSpan(0, (int)_partial.Length), onLine);
                _partial.SetLength(0);
            }
            chunk = chunk[(eol + 1)..];
        }
    }

    /// <summary>The stream ended: a last line without a newline is handed on.</summary>
    public void Complete(Action<string, bool> onLine)
    {
        if (_bomMatched > 0) _partial.Write(Bom.AsSpan(0, _bomMatched)); // the stream was only the start of a BOM
        _bomMatched = -1;
        if (_partial.Length == 0) return;
        Emit(_partial.GetBuffer().AsSpan(0, (int)_partial.Length), onLine);
        _partial.SetLength(0);
    }

    private ReadOnlySpan<byte> SkipBom(ReadOnlySpan<byte> chunk)
    {
        while (_bomMatched >= 0 && !chunk.IsEmpty)
        {
            if (chunk[0] != Bom[_bomMatched])
            {
                var seen = _bomMatched;
                _bomMatched = -1;
                if (seen > 0) _partial.Write(Bom.AsSpan(0, seen)); // not a BOM after all: those bytes are text
                break;
            }
            chunk = chunk[1..];
            if (++_bomMatched == Bom.Length) _bomMatched = -1;
        }
        return chunk;
    }

    private static void Emit(ReadOnlySpan<byte> bytes, Action<string, bool> onLine) => onLine(Encoding.UTF8.GetString(bytes), !Utf8.IsValid(bytes));
}
