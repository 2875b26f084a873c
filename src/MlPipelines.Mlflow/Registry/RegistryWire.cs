using System.Globalization;
using System.Text.Json;
using MlPipelines.Core.Registry;

namespace MlPipelines.Mlflow.Registry;

/// <summary>
/// Writes MLflow's registry entities (model_registry.proto field names). The workspace has no stages: every version's
/// <c>current_stage</c> is "None" and its <c>status</c> READY (registering is recording hashes, nothing runs after).
/// </summary>
public static class RegistryWire
{
    /// <summary>The one stage a workspace version is in.</summary>
    public const string NoStage = "None";

    /// <summary>A ModelVersion object.</summary>
    public static void Version(Utf8JsonWriter w, ModelVersion v)
    {
        w.WriteStartObject();
        w.WriteString("name", v.Name);
        w.WriteString("version", VersionText(v.Version));
        w.WriteNumber("creation_timestamp", v.CreatedAt.ToUnixTimeMilliseconds());
        w.WriteNumber("last_updated_timestamp", (v.UpdatedAt ?? v.CreatedAt).ToUnixTimeMilliseconds());
        if (v.CreatedBy is { } user) w.WriteString("user_id", user);
        w.WriteString("current_stage", NoStage);
        if (v.Description is { } description) w.WriteString("description", description);
        if (v.Source is { } source) w.WriteString("source", source);
        if (v.Lineage.RunId is { } runId) w.WriteString("run_id", runId);
        w.WriteString("status", "READY");
        w.WriteStartArray("tags");
        foreach (var (k, value) in v.Tags.OrderBy(t => t.Key, StringComparer.Ordinal)) KeyValue(w, k, value);
        w.WriteEndArray();
        w.WriteStartArray("aliases");
        foreach (var a in v.Aliases) w.WriteStringValue(a);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>A RegisteredModel object; <paramref name="latest"/> is its latest version (null without versions).</summary>
    public static void Model(Utf8JsonWriter w, RegisteredModel m, ModelVersion? latest)
    {
        w.WriteStartObject();
        w.WriteString("name", m.Name);
        w.WriteNumber("creation_timestamp", m.CreatedAt.ToUnixTimeMilliseconds());
        w.WriteNumber("last_updated_timestamp", m.UpdatedAt.ToUnixTimeMilliseconds());
        if (m.CreatedBy is { } user) w.WriteString("user_id", user);
        if (m.Description is { } description) w.WriteString("description", description);
        w.WriteStartArray("latest_versions");
        if (latest is not null) Version(w, latest);
        w.WriteEndArray();
        w.WriteStartArray("tags");
        foreach (var (k, value) in m.Tags.OrderBy(t => t.Key, StringComparer.Ordinal)) KeyValue(w, k, value);
        w.WriteEndArray();
        w.WriteStartArray("aliases");
        foreach (var (alias, version) in m.Aliases.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("alias", alias);
            w.WriteString("version", VersionText(version));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>A version number as MLflow sends it: a string.</summary>
    public static string VersionText(int version) => version.ToString(CultureInfo.InvariantCulture);

    private static void KeyValue(Utf8JsonWriter w, string key, string value)
    {
        w.WriteStartObject();
        w.WriteString("key", key);
        w.WriteString("value", value);
        w.WriteEndObject();
    }
}
