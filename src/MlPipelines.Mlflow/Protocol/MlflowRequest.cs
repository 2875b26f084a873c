using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace MlPipelines.Mlflow.Protocol;

/// <summary>
/// The fields of one MLflow request: the JSON body of a POST, or the query parameters of a GET (repeated parameters
/// become a list), read with MLflow's conventions (int64 as a number or a string, doubles also as "NaN"/"Infinity",
/// unknown fields ignored).
/// </summary>
public sealed class MlflowRequest
{
    private MlflowFields? _fields;
    private readonly ReadOnlyMemory<byte> _body;

    private MlflowRequest(MlflowFields? fields, ReadOnlyMemory<byte> body)
    {
        _fields = fields;
        _body = body;
    }

    /// <summary>Size of the request body in bytes (0 for a GET).</summary>
    public long BodyBytes => _body.Length;

    /// <summary>The request body as it came (empty for a GET), for calls that read it in one pass of their own (log-batch).</summary>
    public ReadOnlyMemory<byte> Body => _body;

    /// <summary>The top-level fields (a POST body is parsed on first use: Malformed JSON and a body that is not an object are INVALID_PARAMETER_VALUE).</summary>
    public MlflowFields Fields => _fields ??= Parse(_body);

    /// <summary>
    /// Reads the request: the query for GET, else the JSON body (an empty body is <c>{}</c>). With
    /// <paramref name="parseBody"/> false the body is only read, not parsed, until <see cref="Fields"/> is used.
    /// </summary>
    public static async Task<MlflowRequest> ReadAsync(HttpContext context, bool parseBody = true)
    {
        // A DELETE carries its fields in the body (as MLflow's clients send it) or, with an empty body, in the query.
        if (HttpMethods.IsGet(context.Request.Method)
            || (HttpMethods.IsDelete(context.Request.Method) && context.Request.ContentLength is null or 0 && context.Request.Query.Count > 0))
        {
            var obj = new JsonObject();
            foreach (var (key, values) in context.Request.Query)
                obj[key] = values.Count == 1 ? JsonValue.Create(values[0]) : new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
            return new MlflowRequest(new MlflowFields(JsonSerializer.SerializeToElement(obj)), ReadOnlyMemory<byte>.Empty);
        }
        var request = new MlflowRequest(null, await ReadBodyAsync(context));
        if (parseBody) _ = request.Fields;
        return request;
    }

    private static MlflowFields Parse(ReadOnlyMemory<byte> body)
    {
        if (body.Length == 0) return new MlflowFields(JsonSerializer.SerializeToElement(new JsonObject()));
        JsonElement root;
        try { root = JsonDocument.Parse(body).RootElement; }
        catch (JsonException e) { throw Malformed(e); }
        if (root.ValueKind != JsonValueKind.Object) throw NotAnObject(root.ValueKind);
        return new MlflowFields(root);
    }

    /// <summary>The answer to a body that is not JSON.</summary>
    internal static MlflowException Malformed(JsonException e) => MlflowException.Invalid($"Malformed JSON request body: {e.Message.Split(" Path:")[0]}");

    /// <summary>The answer to a JSON body that is not an object.</summary>
    internal static MlflowException NotAnObject(JsonValueKind kind) =>
        MlflowException.Invalid($"The request body must be a JSON object, not {kind.ToString().ToLowerInvariant()}.");

    // Bodies that state their length (up to 4 MB) are read once into a buffer of that size; others are copied as they come.
    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength is { } length and > 0 and <= 4 << 20)
        {
            var exact = new byte[length];
            var read = await context.Request.Body.ReadAtLeastAsync(exact, exact.Length, throwOnEndOfStream: false, context.RequestAborted);
            if (read == exact.Length && await context.Request.Body.ReadAsync(new byte[1], context.RequestAborted) == 0) return exact;
            throw MlflowException.Invalid($"The request body does not match its Content-Length of {length} bytes.");
        }
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    /// <summary>Asks the host whether the caller may also do an action (null = yes, else why not).</summary>
    internal Func<string, string?> Denial { get; set; } = _ => null;

    /// <summary>Requires a further action for this call (e.g. log-batch with params needs runs/write besides metrics/write); PERMISSION_DENIED otherwise.</summary>
    public void Demand(string action)
    {
        if (Denial(action) is { } why) throw new MlflowException(MlflowErrorCode.PermissionDenied, why);
    }

    /// <summary>The run id from <c>run_id</c>, or the legacy <c>run_uuid</c>; required.</summary>
    public string RunId() => Allowed(Fields.String("run_id") ?? Fields.String("run_uuid") ?? throw MlflowFields.Missing("run_id"));

    /// <summary>The run id <paramref name="id"/> when the caller may touch that run; PERMISSION_DENIED otherwise (a run-scoped token naming another run).</summary>
    internal string Allowed(string id) => RunDenial(id) is { } why ? throw new MlflowException(MlflowErrorCode.PermissionDenied, why) : id;

    /// <summary>Who is calling, for records that name who did something; "mlflow" when the host cannot say.</summary>
    public string Caller { get; internal set; } = "mlflow";

    /// <summary>The run ids of a repeated field (e.g. <c>run_ids</c>), each checked like <see cref="RunId"/>; empty when absent.</summary>
    public IReadOnlyList<string> RunIds(string name)
    {
        var ids = Fields.Strings(name);
        foreach (var id in ids)
            if (RunDenial(id) is { } why) throw new MlflowException(MlflowErrorCode.PermissionDenied, why);
        return ids;
    }

    /// <summary>Why the caller may not touch run <c>id</c> (a run-scoped token naming another run), or null.</summary>
    internal Func<string, string?> RunDenial { get; set; } = _ => null;
}

/// <summary>The fields of one JSON object of an MLflow request.</summary>
public sealed class MlflowFields(JsonElement obj)
{
    /// <summary>True when the field is present and not null.</summary>
    public bool Has(string name) => obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>A string field (numbers and booleans are given as written), or null.</summary>
    public string? String(string name) => StringOf(name, Get(name));

    /// <summary>As <see cref="String(string)"/>, for the value <paramref name="v"/> of field <paramref name="name"/> (undefined = absent).</summary>
    internal static string? StringOf(string name, JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
        _ => throw Bad(name, v, "a string"),
    };

    /// <summary>A required string field.</summary>
    public string RequiredString(string name) => String(name) is { Length: > 0 } s ? s : throw Missing(name);

    /// <summary>An int64 field written as a number or a string, or null.</summary>
    public long? Long(string name) => LongOf(name, Get(name));

    /// <summary>As <see cref="Long(string)"/>, for the value <paramref name="v"/> of field <paramref name="name"/> (undefined = absent).</summary>
    internal static long? LongOf(string name, JsonElement v)
    {
        if (v.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n)) return n;
        if (v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n)) return n;
        throw Bad(name, v, "an int64 (a whole number, or a string holding one)");
    }

    /// <summary>A double field written as a number, a numeric string, or "NaN", "Infinity", "-Infinity"; or null.</summary>
    public double? Double(string name) => DoubleOf(name, Get(name));

    /// <summary>As <see cref="Double(string)"/>, for the value <paramref name="v"/> of field <paramref name="name"/> (undefined = absent).</summary>
    internal static double? DoubleOf(string name, JsonElement v)
    {
        if (v.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return null;
        if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        if (v.ValueKind == JsonValueKind.String)
        {
            var s = v.GetString();
            if (s is "NaN" or "nan") return double.NaN;
            if (s is "Infinity" or "inf") return double.PositiveInfinity;
            if (s is "-Infinity" or "-inf") return double.NegativeInfinity;
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        }
        throw Bad(name, v, "a double (a number, or \"NaN\", \"Infinity\", \"-Infinity\")");
    }

    /// <summary>A repeated string field (a list, or one value), empty when absent.</summary>
    public IReadOnlyList<string> Strings(string name)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return [];
        if (v.ValueKind != JsonValueKind.Array) return [String(name)!];
        return v.EnumerateArray().Select(e => e.ValueKind switch
        {
            JsonValueKind.String => e.GetString()!,
            JsonValueKind.Number => e.GetRawText(),
            _ => throw Bad(name, e, "a list of strings"),
        }).ToList();
    }

    /// <summary>A message field (an object), or null when absent.</summary>
    public MlflowFields? Object(string name)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Object ? new MlflowFields(v) : throw Bad(name, v, "an object");
    }

    /// <summary>A repeated message field (a list of objects), empty when absent.</summary>
    public IReadOnlyList<MlflowFields> Objects(string name) => [.. Elements(name).Select(e => new MlflowFields(e))];

    /// <summary>The objects of a repeated message field, as JSON elements (for readers that take each object in one pass).</summary>
    internal IReadOnlyList<JsonElement> Elements(string name)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return [];
        if (v.ValueKind != JsonValueKind.Array) throw Bad(name, v, "a list of objects");
        var items = new List<JsonElement>(v.GetArrayLength());
        foreach (var e in v.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object) throw Bad(name, v, "a list of objects");
            items.Add(e);
        }
        return items;
    }

    /// <summary>The field's value, or an undefined element when absent (the last one when a name repeats, as JsonElement finds it).</summary>
    internal JsonElement Get(string name) => obj.TryGetProperty(name, out var v) ? v : default;

    internal static MlflowException Missing(string name) =>
        MlflowException.Invalid($"Missing value for required parameter '{name}'. See the API docs for more information about request parameters.");

    internal static MlflowException Bad(string name, JsonElement v, string expected) => Bad(name, v.GetRawText(), expected);

    /// <summary>As <see cref="Bad(string, JsonElement, string)"/>, for the value's JSON text as written.</summary>
    internal static MlflowException Bad(string name, string text, string expected) =>
        MlflowException.Invalid($"Invalid value {(text.Length > 100 ? text[..100] + "…" : text)} for parameter '{name}' supplied: expected {expected}.");
}
