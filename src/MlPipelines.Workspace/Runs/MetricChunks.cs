using System.Buffers.Binary;
using MlPipelines.Core.Runs;

namespace MlPipelines.Workspace.Runs;

/// <summary>
/// Metric history is stored in chunks: one row per metric per logged batch, holding the points as a little-endian
/// blob of (step int64, value IEEE bits, timestamp ms int64) — 24 bytes a point. NaN and infinities keep their bits
/// exactly. One row per batch instead of per point is what makes batched ingest cheap.
/// </summary>
internal static class MetricChunks
{
    private const int PointSize = 24;

    public static byte[] Encode(IReadOnlyList<MetricPoint> points)
    {
        var blob = new byte[points.Count * PointSize];
        var span = blob.AsSpan();
        for (var i = 0; i < points.Count; i++)
        {
            var at = span[(i * PointSize)..];
            BinaryPrimitives.WriteInt64LittleEndian(at, points[i].Step);
            BinaryPrimitives.WriteInt64LittleEndian(at[8..], BitConverter.DoubleToInt64Bits(points[i].Value));
            BinaryPrimitives.WriteInt64LittleEndian(at[16..], points[i].Timestamp.ToUnixTimeMilliseconds());
        }
        return blob;
    }

    public static void Decode(string name, ReadOnlySpan<byte> blob, List<MetricPoint> into)
    {
        for (var at = 0; at + PointSize <= blob.Length; at += PointSize)
        {
            var p = blob[at..];
            into.Add(new MetricPoint(name,
                BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(p[8..])),
                BinaryPrimitives.ReadInt64LittleEndian(p),
                DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(p[16..]))));
        }
    }
}
