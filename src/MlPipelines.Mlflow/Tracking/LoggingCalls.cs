using System.Text.Json;
using Microsoft.AspNetCore.Http;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;
using MlPipelines.Mlflow.Protocol;

namespace MlPipelines.Mlflow.Tracking;

/// <summary>
/// <c>runs/log-metric</c>, <c>log-parameter</c>, <c>set-tag</c> and <c>log-batch</c>, with MLflow's limits and error
/// texts. Everything goes through the workspace's run store, the one recorder of params, tags and metrics.
/// </summary>
public static class LoggingCalls
{
    /// <summary>Most metrics in one log-batch.</summary>
    public const int MaxMetricsPerBatch = 1000;
    /// <summary>Most params, and most tags, in one log-batch.</summary>
    public const int MaxParamsTagsPerBatch = 100;
    /// <summary>Most metrics, params and tags together in one log-batch.</summary>
    public const int MaxEntitiesPerBatch = 1000;
    /// <summary>Largest log-batch request body in bytes.</summary>
    public const int MaxBatchRequestBytes = 1_000_000;
    /// <summary>Longest param value.</summary>
    public const int MaxParamValueLength = 6000;
    /// <summary>Longest tag value.</summary>
    public const int MaxTagValueLength = 5000;
    /// <summary>Longest metric, param or tag key.</summary>
    public const int MaxKeyLength = 250;

    /// <summary><c>{run_id, key, value, timestamp, step}</c> → <c>{}</c>.</summary>
    public static IResult LogMetric(MlflowRequest request, IWorkspace workspace)
    {
        var point = Metric(request.Fields);
        workspace.Runs.LogMetrics(request.RunId(), [point]);
        return MlflowJsonResult.Empty;
    }

    /// <summary><c>{run_id, key, value}</c> → <c>{}</c>; a param is set once (a different value is INVALID_PARAMETER_VALUE).</summary>
    public static IResult LogParameter(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var (key, value) = (Key(f, "Param"), Value(f, "Param", MaxParamValueLength));
        workspace.Runs.LogParams(request.RunId(), new Dictionary<string, string> { [key] = value });
        return MlflowJsonResult.Empty;
    }

    /// <summary><c>{run_id, key, value}</c> → <c>{}</c>; tags may be overwritten.</summary>
    public static IResult SetTag(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var (key, value) = (Key(f, "Tag"), Value(f, "Tag", MaxTagValueLength));
        workspace.Runs.SetTags(request.RunId(), new Dictionary<string, string> { [key] = value });
        return MlflowJsonResult.Empty;
    }

    /// <summary><c>{run_id, key}</c> → <c>{}</c>; a tag the run does not have is RESOURCE_DOES_NOT_EXIST, as in MLflow.</summary>
    public static IResult DeleteTag(MlflowRequest request, IWorkspace workspace)
    {
        var runId = request.RunId();
        workspace.Runs.DeleteTag(runId, Key(request.Fields, "Tag"));
        return MlflowJsonResult.Empty;
    }

    /// <summary>
    /// <c>{run_id, metrics, params, tags}</c> → <c>{}</c>. Checked as MLflow checks it, in its order: body size, then
    /// counts, then each entity, then duplicate param keys; then params, metrics and tags are written.
    /// </summary>
    public static IResult LogBatch(MlflowRequest request, IWorkspace workspace)
    {
        if (request.BodyBytes > MaxBatchRequestBytes)
            throw MlflowException.Invalid($"Batched logging API requests must be at most {MaxBatchRequestBytes} bytes, got a request of size {request.BodyBytes}.");
        var f = request.Fields;
        var runId = request.RunId();
        var metrics = f.Elements("metrics");
        var @params = f.Objects("params");
        var tags = f.Objects("tags");
        Limit("metrics", MaxMetricsPerBatch, metrics.Count);
        Limit("params", MaxParamsTagsPerBatch, @params.Count);
        Limit("tags", MaxParamsTagsPerBatch, tags.Count);
        Limit("metrics, params, and tags", MaxEntitiesPerBatch, metrics.Count + @params.Count + tags.Count);
        if (@params.Count > 0 || tags.Count > 0) request.Demand(MlflowActions.RunsWrite); // the endpoint itself needs metrics/write
        var points = metrics.Select(Metric).ToList();
        var paramValues = new Dictionary<string, string>(StringComparer.Ordinal);
        var duplicates = new List<string>();
        foreach (var p in @params)
        {
            var key = Key(p, "Param");
            if (!paramValues.TryAdd(key, Value(p, "Param", MaxParamValueLength))) duplicates.Add(key);
        }
        var tagValues = Tags(tags);
        if (duplicates.Count > 0)
            throw MlflowException.Invalid($"Duplicate parameter keys have been submitted: [{string.Join(", ", duplicates.Select(d => $"'{d}'"))}]. Please ensure the request contains only one param value per param key.");
        // An unknown run is RESOURCE_DOES_NOT_EXIST before anything is written: each store call checks the run first.
        if (paramValues.Count == 0 && points.Count == 0 && tagValues.Count == 0) workspace.Runs.GetRun(runId);
        if (paramValues.Count > 0) workspace.Runs.LogParams(runId, paramValues);
        if (points.Count > 0) workspace.Runs.LogMetrics(runId, points);
        if (tagValues.Count > 0) workspace.Runs.SetTags(runId, tagValues);
        return MlflowJsonResult.Empty;
    }

    /// <summary>The key/value tag objects of a request (later keys win, as when set one by one).</summary>
    public static Dictionary<string, string> Tags(IReadOnlyList<MlflowFields> tags)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in tags) values[Key(t, "Tag")] = Value(t, "Tag", MaxTagValueLength);
        return values;
    }

    private static MetricPoint Metric(MlflowFields m) => Metric(m.Get("key"), m.Get("value"), m.Get("timestamp"), m.Get("step"));

    // A log-batch metric object read in one pass over its fields (a repeated field: the last one, as MlflowFields reads it).
    private static MetricPoint Metric(JsonElement m)
    {
        JsonElement key = default, value = default, timestamp = default, step = default;
        foreach (var p in m.EnumerateObject())
        {
            if (p.NameEquals("key"u8)) key = p.Value;
            else if (p.NameEquals("value"u8)) value = p.Value;
            else if (p.NameEquals("timestamp"u8)) timestamp = p.Value;
            else if (p.NameEquals("step"u8)) step = p.Value;
        }
        return Metric(key, value, timestamp, step);
    }

    // The fields are converted and checked in this order, so the first problem reported is always the same one.
    private static MetricPoint Metric(JsonElement keyField, JsonElement valueField, JsonElement timestampField, JsonElement stepField)
    {
        var key = Key(MlflowFields.StringOf("key", keyField), "Metric");
        var value = MlflowFields.DoubleOf("value", valueField) ?? throw MlflowException.Invalid($"Got invalid value None for metric '{key}'. Please specify value as a valid double (64-bit floating point)");
        var timestamp = MlflowFields.LongOf("timestamp", timestampField) ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (timestamp < 0)
            throw MlflowException.Invalid($"Got invalid timestamp {timestamp} for metric '{key}' (value={value}). Timestamp must be a nonnegative long (64-bit integer) ");
        return new MetricPoint(key, value, MlflowFields.LongOf("step", stepField) ?? 0, DateTimeOffset.FromUnixTimeMilliseconds(timestamp));
    }

    private static string Key(MlflowFields f, string entity) => Key(f.String("key"), entity);

    private static string Key(string? key, string entity)
    {
        if (string.IsNullOrEmpty(key)) throw MlflowException.Invalid($"{entity} name cannot be None. A key name must be provided.");
        if (key.Length > MaxKeyLength) throw MlflowException.Invalid($"{entity} key '{key[..250]}' had length {key.Length}, which exceeded length limit of {MaxKeyLength}");
        return key;
    }

    private static string Value(MlflowFields f, string entity, int limit)
    {
        var value = f.String("value") ?? "";
        if (value.Length > limit) throw MlflowException.Invalid($"{entity} value '{value[..250]}' had length {value.Length}, which exceeded length limit of {limit}");
        return value;
    }

    private static void Limit(string entity, int limit, int count)
    {
        if (count > limit)
            throw MlflowException.Invalid($"A batch logging request can contain at most {limit} {entity}. Got {count} {entity}. Please split up {entity} across multiple requests and try again.");
    }
}
