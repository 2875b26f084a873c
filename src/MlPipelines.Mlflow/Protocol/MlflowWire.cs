using System.Text.Json;
using MlPipelines.Core.Runs;
using MlPipelines.Mlflow.Tracking;

namespace MlPipelines.Mlflow.Protocol;

/// <summary>Writes MLflow's entities (service.proto field names; int64 as JSON numbers; NaN and infinities as strings).</summary>
public static class MlflowWire
{
    /// <summary>The tag MLflow keeps a run's name in.</summary>
    public const string RunNameTag = "mlflow.runName";
    /// <summary>The tag MLflow keeps a run's user in.</summary>
    public const string UserTag = "mlflow.user";
    /// <summary>The tag MLflow keeps a nested run's parent in.</summary>
    public const string ParentRunTag = "mlflow.parentRunId";

    /// <summary>An experiment object.</summary>
    public static void Experiment(Utf8JsonWriter w, Experiment e)
    {
        w.WriteStartObject();
        w.WriteString("experiment_id", ExperimentIds.IdOf(e));
        w.WriteString("name", e.Name);
        w.WriteString("artifact_location", "mlflow-artifacts:/" + ExperimentIds.IdOf(e));
        w.WriteString("lifecycle_stage", e.DeletedAt is null ? Active : Deleted);
        w.WriteNumber("creation_time", e.CreatedAt.ToUnixTimeMilliseconds());
        w.WriteNumber("last_update_time", Search.MlflowExperimentFilter.LastUpdate(e));
        w.WriteStartArray("tags");
        foreach (var (k, v) in e.Tags) KeyValue(w, k, v);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The lifecycle stage of what is not deleted.</summary>
    public const string Active = "active";
    /// <summary>The lifecycle stage of what is soft-deleted.</summary>
    public const string Deleted = "deleted";

    /// <summary>A run object: info, data (latest metrics, params, tags) and inputs (the dataset inputs the client described).</summary>
    public static void Run(Utf8JsonWriter w, RunInfo run, string experimentId, IReadOnlyList<ExternalDatasetInput>? inputs = null)
    {
        w.WriteStartObject();
        w.WritePropertyName("info");
        Info(w, run, experimentId);
        w.WriteStartObject("data");
        w.WriteStartArray("metrics");
        foreach (var (name, value) in run.LatestMetrics)
        {
            var p = run.LatestPoints.GetValueOrDefault(name) ?? new MetricPoint(name, value, 0, run.CreatedAt);
            Metric(w, p);
        }
        w.WriteEndArray();
        w.WriteStartArray("params");
        foreach (var (k, v) in run.Params) KeyValue(w, k, v);
        w.WriteEndArray();
        w.WriteStartArray("tags");
        foreach (var (k, v) in Tags(run)) KeyValue(w, k, v);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("inputs");
        w.WriteStartArray("dataset_inputs");
        foreach (var input in inputs ?? []) DatasetInput(w, input);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>A run info object (with both <c>run_id</c> and the legacy <c>run_uuid</c>).</summary>
    public static void Info(Utf8JsonWriter w, RunInfo run, string experimentId)
    {
        w.WriteStartObject();
        w.WriteString("run_id", run.Id);
        w.WriteString("run_uuid", run.Id);
        w.WriteString("run_name", run.DisplayName);
        w.WriteString("experiment_id", experimentId);
        w.WriteString("user_id", run.Tags.GetValueOrDefault(UserTag) ?? "");
        w.WriteString("status", MlflowStatus.Of(run.Status));
        w.WriteNumber("start_time", (run.StartedAt ?? run.CreatedAt).ToUnixTimeMilliseconds());
        if (run.EndedAt is { } end) w.WriteNumber("end_time", end.ToUnixTimeMilliseconds());
        w.WriteString("artifact_uri", $"mlflow-artifacts:/{experimentId}/{run.Id}/artifacts");
        w.WriteString("lifecycle_stage", run.DeletedAt is null ? Active : Deleted);
        w.WriteEndObject();
    }

    /// <summary>A dataset input object: <c>{tags, dataset: {name, digest, source_type, source, schema, profile}}</c>.</summary>
    public static void DatasetInput(Utf8JsonWriter w, ExternalDatasetInput input)
    {
        w.WriteStartObject();
        w.WriteStartArray("tags");
        foreach (var (k, v) in input.Tags) KeyValue(w, k, v);
        w.WriteEndArray();
        w.WriteStartObject("dataset");
        w.WriteString("name", input.Name);
        w.WriteString("digest", input.Digest);
        w.WriteString("source_type", input.SourceType);
        w.WriteString("source", input.Source);
        if (input.Schema is not null) w.WriteString("schema", input.Schema);
        if (input.Profile is not null) w.WriteString("profile", input.Profile);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>A metric point object; with <paramref name="runId"/>, MLflow's <c>MetricWithRunId</c> (a <c>run_id</c> field last).</summary>
    public static void Metric(Utf8JsonWriter w, MetricPoint p, string? runId = null)
    {
        w.WriteStartObject();
        w.WriteString(KeyField, p.Name);
        Double(w, ValueField, p.Value);
        w.WriteNumber(TimestampField, p.Timestamp.ToUnixTimeMilliseconds());
        w.WriteNumber(StepField, p.Step);
        if (runId is not null) w.WriteString(RunIdField, runId);
        w.WriteEndObject();
    }

    private static readonly JsonEncodedText KeyField = JsonEncodedText.Encode("key");
    private static readonly JsonEncodedText ValueField = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText TimestampField = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText StepField = JsonEncodedText.Encode("step");
    private static readonly JsonEncodedText RunIdField = JsonEncodedText.Encode("run_id");

    /// <summary>A next_page_token field, when there is a next page.</summary>
    public static void NextPage(Utf8JsonWriter w, string? token)
    {
        if (token is not null) w.WriteString("next_page_token", token);
    }

    // The run's tags as MLflow shows them: the run's name and parent are tags there.
    private static IEnumerable<KeyValuePair<string, string>> Tags(RunInfo run)
    {
        foreach (var t in run.Tags) yield return t;
        if (!run.Tags.ContainsKey(RunNameTag)) yield return new(RunNameTag, run.DisplayName);
        if (run.ParentRunId is { } parent && !run.Tags.ContainsKey(ParentRunTag)) yield return new(ParentRunTag, parent);
    }

    private static void KeyValue(Utf8JsonWriter w, string key, string value)
    {
        w.WriteStartObject();
        w.WriteString("key", key);
        w.WriteString("value", value);
        w.WriteEndObject();
    }

    private static void Double(Utf8JsonWriter w, JsonEncodedText name, double value)
    {
        if (double.IsNaN(value)) w.WriteString(name, "NaN");
        else if (double.IsPositiveInfinity(value)) w.WriteString(name, "Infinity");
        else if (double.IsNegativeInfinity(value)) w.WriteString(name, "-Infinity");
        else w.WriteNumber(name, value);
    }
}
