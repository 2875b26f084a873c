using System.Buffers.Binary;
using System.Text;

namespace MlPipelines.Containers;

/// <summary>The Engine API's multiplexed stdout/stderr framing (8-byte header: stream, 0, 0, 0, big-endian size).</summary>
internal static class EngineStreams
{
    public static string Demultiplex(byte[] raw)
    {
        // A TTY container sends raw text without headers.
        if (raw.Length < 8 || raw[0] > 2 || raw[1] != 0 || raw[2] != 0 || raw[3] != 0) return Encoding.UTF8.GetString(raw);
        var sb = new StringBuilder();
        var i = 0;
        while (i + 8 <= raw.Length)
        {
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(i + 4, 4));
            var take = Math.Min(size, raw.Length - i - 8);
            sb.Append(Encoding.UTF8.GetString(raw, i + 8, take));
            i += 8 + size;
        }
        return sb.ToString();
    }
}
