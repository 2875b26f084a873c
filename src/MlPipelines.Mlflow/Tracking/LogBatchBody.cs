using System.Globalization;
using System.Text;
using System.Text.Json;
using MlPipelines.Core.Runs;
using MlPipelines.Mlflow.Protocol;

namespace MlPipelines.Mlflow.Tracking;

/// <summary>
/// A log-batch body read in one <see cref="Utf8JsonReader"/> pass, metrics straight into <see cref="MetricPoint"/>s
/// (no <see cref="JsonDocument"/>). Nothing is refused while reading, only recorded: <see cref="LoggingCalls.LogBatch"/>
/// then checks in MLflow's order, so the first problem reported (and its text) is the one a parsed document gives.
/// A repeated field counts once, the last one (as <see cref="MlflowFields"/> reads it).
/// </summary>
internal sealed class LogBatchBody
{
    private readonly ReadOnlyMemory<byte> _json;

    private LogBatchBody(ReadOnlyMemory<byte> json) => _json = json;

    /// <summary>The <c>run_id</c> and legacy <c>run_uuid</c> fields (strings, or an error for another kind).</summary>
    public Value<string> RunId, RunUuid;

    /// <summary>The <c>metrics</c> list, each metric converted (or the first conversion error).</summary>
    public EntityList Metrics = new();

    /// <summary>The <c>params</c> list as key/value fields.</summary>
    public EntityList Params = new();

    /// <summary>The <c>tags</c> list as key/value fields.</summary>
    public EntityList Tags = new();

    /// <summary>The metrics in the order given (valid up to <see cref="EntityList.FirstError"/>).</summary>
    public List<MetricPoint> Points { get; } = [];

    /// <summary>Reads <paramref name="json"/> (empty = <c>{}</c>); Malformed JSON or a body that is not an object is INVALID_PARAMETER_VALUE.</summary>
    public static LogBatchBody Read(ReadOnlyMemory<byte> json)
    {
        var body = new LogBatchBody(json);
        if (json.Length == 0) return body;
        var reader = new Utf8JsonReader(json.Span);
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                var kind = KindOf(reader.TokenType);
                reader.Skip();
                reader.Read(); // the whole document is checked first, as JsonDocument.Parse does: trailing data is malformed
                throw MlflowRequest.NotAnObject(kind);
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("run_id"u8)) { reader.Read(); body.RunId = body.String(ref reader, "run_id"); }
                else if (reader.ValueTextEquals("run_uuid"u8)) { reader.Read(); body.RunUuid = body.String(ref reader, "run_uuid"); }
                else if (reader.ValueTextEquals("metrics"u8)) { reader.Read(); body.Points.Clear(); body.Metrics = body.List(ref reader, "metrics", body.Metric); }
                else if (reader.ValueTextEquals("params"u8)) { reader.Read(); body.Params = body.List(ref reader, "params", body.KeyValue); }
                else if (reader.ValueTextEquals("tags"u8)) { reader.Read(); body.Tags = body.List(ref reader, "tags", body.KeyValue); }
                else { reader.Read(); reader.Skip(); }
            }
            reader.Read(); // end of data, or a JsonException for anything after the object
        }
        catch (JsonException e) { throw MlflowRequest.Malformed(e); }
        return body;
    }

    private static JsonValueKind KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => JsonValueKind.Array,
        JsonTokenType.String => JsonValueKind.String,
        JsonTokenType.True => JsonValueKind.True,
        JsonTokenType.False => JsonValueKind.False,
        JsonTokenType.Null => JsonValueKind.Null,
        _ => JsonValueKind.Number,
    };

    private delegate void ItemReader(ref Utf8JsonReader reader, EntityList list);

    // A repeated message field: absent or null is empty; another kind, or an item that is not an object, is recorded as that error.
    private EntityList List(ref Utf8JsonReader reader, string name, ItemReader item)
    {
        var list = new EntityList();
        if (reader.TokenType == JsonTokenType.Null) return list;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            list.ShapeError = MlflowFields.Bad(name, Raw(ref reader), "a list of objects");
            return list;
        }
        var start = (int)reader.TokenStartIndex;
        var notObject = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                notObject = true;
                continue;
            }
            item(ref reader, list);
            list.Count++;
        }
        // The message quotes the whole list, as for a list of the wrong kind.
        if (notObject) list.ShapeError = MlflowFields.Bad(name, Text(start, (int)reader.BytesConsumed), "a list of objects");
        return list;
    }

    // One metric object: its fields converted as they come, checked (in the order key, value, timestamp, step) at its end.
    private void Metric(ref Utf8JsonReader reader, EntityList list)
    {
        Value<string> key = default;
        Value<double?> value = default;
        Value<long?> timestamp = default, step = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("key"u8)) { reader.Read(); key = String(ref reader, "key"); }
            else if (reader.ValueTextEquals("value"u8)) { reader.Read(); value = Double(ref reader, "value"); }
            else if (reader.ValueTextEquals("timestamp"u8)) { reader.Read(); timestamp = Long(ref reader, "timestamp"); }
            else if (reader.ValueTextEquals("step"u8)) { reader.Read(); step = Long(ref reader, "step"); }
            else { reader.Read(); reader.Skip(); }
        }
        if (list.FirstError is not null) return;
        try
        {
            var k = LoggingCalls.Key(key.Get(), "Metric");
            var v = LoggingCalls.MetricValue(k, value.Get());
            var ts = LoggingCalls.MetricTimestamp(k, v, timestamp.Get());
            Points.Add(new MetricPoint(k, v, step.Get() ?? 0, DateTimeOffset.FromUnixTimeMilliseconds(ts)));
        }
        catch (MlflowException e) { list.FirstError = e; }
    }

    // One {key, value} object of params or tags, kept as read (checked later, in order).
    private void KeyValue(ref Utf8JsonReader reader, EntityList list)
    {
        Value<string> key = default, value = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("key"u8)) { reader.Read(); key = String(ref reader, "key"); }
            else if (reader.ValueTextEquals("value"u8)) { reader.Read(); value = String(ref reader, "value"); }
            else { reader.Read(); reader.Skip(); }
        }
        list.Pairs.Add((key, value));
    }

    private string? _lastString;
    private byte[] _lastUtf8 = [];

    // As MlflowFields.StringOf: numbers and booleans as written; the previous string is reused when equal (metric keys repeat).
    private Value<string> String(ref Utf8JsonReader reader, string name)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                if (_lastString is not null && (reader.ValueIsEscaped ? reader.ValueTextEquals(_lastUtf8) : reader.ValueSpan.SequenceEqual(_lastUtf8))) return new(_lastString);
                _lastString = reader.GetString()!;
                _lastUtf8 = Encoding.UTF8.GetBytes(_lastString);
                return new(_lastString);
            case JsonTokenType.Null: return default;
            case JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False: return new(Encoding.UTF8.GetString(reader.ValueSpan));
            default: return Value<string>.Fail(MlflowFields.Bad(name, Raw(ref reader), "a string"));
        }
    }

    // As MlflowFields.LongOf.
    private Value<long?> Long(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType == JsonTokenType.Null) return default;
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var n)) return new(n);
        if (reader.TokenType == JsonTokenType.String && long.TryParse(reader.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n)) return new(n);
        return Value<long?>.Fail(MlflowFields.Bad(name, Raw(ref reader), "an int64 (a whole number, or a string holding one)"));
    }

    // As MlflowFields.DoubleOf.
    private Value<double?> Double(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType == JsonTokenType.Null) return default;
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var d)) return new(d);
        if (reader.TokenType == JsonTokenType.String)
        {
            var s = reader.GetString();
            if (s is "NaN" or "nan") return new(double.NaN);
            if (s is "Infinity" or "inf") return new(double.PositiveInfinity);
            if (s is "-Infinity" or "-inf") return new(double.NegativeInfinity);
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d)) return new(d);
        }
        return Value<double?>.Fail(MlflowFields.Bad(name, Raw(ref reader), "a double (a number, or \"NaN\", \"Infinity\", \"-Infinity\")"));
    }

    // The current value's JSON text as written (a whole object or array for a start token), leaving the reader at its end.
    private string Raw(ref Utf8JsonReader reader)
    {
        var start = (int)reader.TokenStartIndex;
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
            return Text(start, (int)reader.BytesConsumed);
        }
        return reader.TokenType == JsonTokenType.String ? Text(start, (int)reader.BytesConsumed) : Encoding.UTF8.GetString(reader.ValueSpan);
    }

    private string Text(int start, int end) => Encoding.UTF8.GetString(_json.Span[start..end]);

    /// <summary>A field's value as read: absent (or null), a value, or the error converting it (raised when the value is used).</summary>
    internal readonly struct Value<T>
    {
        private readonly T? _value;
        private readonly MlflowException? _error;

        public Value(T? value) => _value = value;

        private Value(MlflowException error) => _error = error;

        public static Value<T> Fail(MlflowException error) => new(error);

        /// <summary>The value (default when absent); throws the conversion error.</summary>
        public T? Get() => _error is not null ? throw _error : _value;
    }

    /// <summary>A list field: its item count, a shape error (not a list of objects), the first metric's error, the key/value items.</summary>
    internal sealed class EntityList
    {
        public int Count;
        public MlflowException? ShapeError;
        public MlflowException? FirstError;
        public List<(Value<string> Key, Value<string> Value)> Pairs { get; } = [];
    }
}
