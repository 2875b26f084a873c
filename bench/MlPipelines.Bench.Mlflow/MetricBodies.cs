using System.Buffers;
using System.Text.Json;

namespace MlPipelines.Bench.Mlflow;

/// <summary>log-batch request bodies as an MLflow client sends them.</summary>
internal static class MetricBodies
{
    /// <summary><c>{run_id, metrics: [{key, value, timestamp, step}…]}</c> with <paramref name="count"/> points of <paramref name="key"/> from step <paramref name="firstStep"/>.</summary>
    public static byte[] LogBatch(string runId, string key, long firstStep, int count)
    {
        var buffer = new ArrayBufferWriter<byte>(count * 80);
        using (var w = new Utf8JsonWriter(buffer))
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            w.WriteStartObject();
            w.WriteString("run_id", runId);
            w.WriteStartArray("metrics");
            for (var i = 0; i < count; i++)
            {
                var step = firstStep + i;
                w.WriteStartObject();
                w.WriteString("key", key);
                w.WriteNumber("value", 1.0 / (step + 1));
                w.WriteNumber("timestamp", now + i);
                w.WriteNumber("step", step);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
