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
        var runId = Active(workspace, request.RunId());
        workspace.Runs.LogMetrics(runId, [point]);
        return MlflowJsonResult.Empty;
    }

    /// <summary><c>{run_id, key, value}</c> → <c>{}</c>; a param is set once (a different value is INVALID_PARAMETER_VALUE).</summary>
    public static IResult LogParameter(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var (key, value) = (Key(f, "Param"), Value(f, "Param", MaxParamValueLength));
        workspace.Runs.LogParams(Active(workspace, request.RunId()), new Dictionary<string, string> { [key] = value });
        return MlflowJsonResult.Empty;
    }

    /// <summary><c>{run_id, key, value}</c> → <c>{}</c>; tags may be overwritten.</summary>
    public static IResult SetTag(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var (key, value) = (Key(f, "Tag"), Value(f, "Tag", MaxTagValueLength));
        workspace.Runs.SetTags(Active(workspace, request.RunId()), new Dictionary<string, string> { [key] = value });
        return MlflowJsonResult.Empty;
    }

    /// <summary><c>{run_id, key}</c> → <c>{}</c>; a tag the run does not have is RESOURCE_DOES_NOT_EXIST, as in MLflow.</summary>
    public static IResult DeleteTag(MlflowRequest request, IWorkspace workspace)
    {
        var runId = request.RunId();
        var key = Key(request.Fields, "Tag");
        workspace.Runs.DeleteTag(Active(workspace, runId), key);
        return MlflowJsonResult.Empty;
    }

    /// <summary>
    /// <c>{run_id, metrics, params, tags}</c> → <c>{}</c>. The body is read in one pass (<see cref="LogBatchBody"/>), then
    /// checked as MLflow checks it, in its order: body size, then counts, then each entity, then duplicate param keys,
    /// then the run (unknown: RESOURCE_DOES_NOT_EXIST; deleted: INVALID_PARAMETER_VALUE); then params, metrics and tags are written.
    /// </summary>
    public static IResult LogBatch(MlflowRequest request, IWorkspace workspace)
    {
        var body = LogBatchBody.Read(request.Body);
        if (request.BodyBytes > MaxBatchRequestBytes)
            throw MlflowException.Invalid($"Batched logging API requests must be at most {MaxBatchRequestBytes} bytes, got a request of size {request.BodyBytes}.");
        var runId = request.Allowed(body.RunId.Get() ?? body.RunUuid.Get() ?? throw MlflowFields.Missing("run_id"));
        var (metrics, @params, tags) = (body.Metrics, body.Params, body.Tags);
        foreach (var list in new[] { metrics, @params, tags })
            if (list.ShapeError is { } shape) throw shape;
        Limit("metrics", MaxMetricsPerBatch, metrics.Count);
        Limit("params", MaxParamsTagsPerBatch, @params.Count);
        Limit("tags", MaxParamsTagsPerBatch, tags.Count);
        Limit("metrics, params, and tags", MaxEntitiesPerBatch, metrics.Count + @params.Count + tags.Count);
        if (@params.Count > 0 || tags.Count > 0) request.Demand(MlflowActions.RunsWrite); // the endpoint itself needs metrics/write
        if (metrics.FirstError is { } bad) throw bad;
        var paramValues = new Dictionary<string, string>(StringComparer.Ordinal);
        var duplicates = new List<string>();
        foreach (var (k, v) in @params.Pairs)
        {
            var key = Key(k.Get(), "Param");
            if (!paramValues.TryAdd(key, Value(v.Get(), "Param", MaxParamValueLength))) duplicates.Add(key);
        }
        var tagValues = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in tags.Pairs) tagValues[Key(k.Get(), "Tag")] = Value(v.Get(), "Tag", MaxTagValueLength);
        if (duplicates.Count > 0)
            throw MlflowException.Invalid($"Duplicate parameter keys have been submitted: [{string.Join(", ", duplicates.Select(d => $"'{d}'"))}]. Please ensure the request contains only one param value per param key.");
        // An unknown run is RESOURCE_DOES_NOT_EXIST and a deleted one INVALID_PARAMETER_VALUE before anything is written.
        Active(workspace, runId);
        if (paramValues.Count > 0) workspace.Runs.LogParams(runId, paramValues);
        if (body.Points.Count > 0) workspace.Runs.LogMetrics(runId, body.Points);
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

    /// <summary>The run id when the run is active; RESOURCE_DOES_NOT_EXIST for an unknown run, MLflow's INVALID_PARAMETER_VALUE for a deleted one.</summary>
    private static string Active(IWorkspace workspace, string runId) => workspace.Runs.IsDeleted(runId) ? throw RunCalls.NotActive(runId) : runId;

    private static MetricPoint Metric(MlflowFields m)
    {
        // The fields are converted and checked in this order, so the first problem reported is always the same one (as in LogBatchBody).
        var key = Key(MlflowFields.StringOf("key", m.Get("key")), "Metric");
        var value = MetricValue(key, MlflowFields.DoubleOf("value", m.Get("value")));
        var timestamp = MetricTimestamp(key, value, MlflowFields.LongOf("timestamp", m.Get("timestamp")));
        return new MetricPoint(key, value, MlflowFields.LongOf("step", m.Get("step")) ?? 0, DateTimeOffset.FromUnixTimeMilliseconds(timestamp));
    }

    /// <summary>A metric's value; MLflow's message when it has none.</summary>
    internal static double MetricValue(string key, double? value) =>
        value ?? throw MlflowException.Invalid($"Got invalid value None for metric '{key}'. Please specify value as a valid double (64-bit floating point)");

    /// <summary>A metric's timestamp (the server's clock when absent); MLflow's message for a negative one.</summary>
    internal static long MetricTimestamp(string key, double value, long? timestamp)
    {
        var ms = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return ms >= 0 ? ms
            : throw MlflowException.Invalid($"Got invalid timestamp {ms} for metric '{key}' (value={value}). Timestamp must be a nonnegative long (64-bit integer) ");
    }

    private static string Key(MlflowFields f, string entity) => Key(f.String("key"), entity);

    /// <summary>A metric, param or tag key; MLflow's messages when it is missing or too long.</summary>
    internal static string Key(string? key, string entity)
    {
        if (string.IsNullOrEmpty(key)) throw MlflowException.Invalid($"{entity} name cannot be None. A key name must be provided.");
        if (key.Length > MaxKeyLength) throw MlflowException.Invalid($"{entity} key '{key[..250]}' had length {key.Length}, which exceeded length limit of {MaxKeyLength}");
        return key;
    }

    private static string Value(MlflowFields f, string entity, int limit) => Value(f.String("value"), entity, limit);

    private static string Value(string? given, string entity, int limit)
    {
        var value = given ?? "";
        if (value.Length > limit) throw MlflowException.Invalid($"{entity} value '{value[..250]}' had length {value.Length}, which exceeded length limit of {limit}");
        return value;
    }

    private static void Limit(string entity, int limit, int count)
    {
        if (count > limit)
            throw MlflowException.Invalid($"A batch logging request can contain at most {limit} {entity}. Got {count} {entity}. Please split up {entity} across multiple requests and try again.");
    }
}
