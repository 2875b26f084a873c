using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using MlPipelines.Core.Errors;

namespace MlPipelines.Pipelines.Plan;

/// <summary>Deterministic JSON for plans: fixed property order, camelCase, invariant numbers, <c>\n</c> newlines.</summary>
internal static class PlanJson
{
    internal static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        IgnoreReadOnlyProperties = true,
    };

    internal static string Serialize(PipelinePlan plan) => JsonSerializer.Serialize(plan, Options) + "\n";

    /// <summary>Canonical compact JSON of a value (used for cache key parts).</summary>
    internal static string Canonical<T>(T value) => JsonSerializer.Serialize(value, CompactOptions);

    private static readonly JsonSerializerOptions CompactOptions = new(Options) { WriteIndented = false };

    internal static PipelinePlan Deserialize(string json)
    {
        PipelinePlan? plan;
        try
        {
            using (var doc = JsonDocument.Parse(json))
            {
                var schema = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("schema", out var s) && s.ValueKind == JsonValueKind.String
                    ? s.GetString() : null;
                if (schema == PipelinePlan.SchemaV1)
                    throw MlpException.Invalid($"The plan uses schema '{PipelinePlan.SchemaV1}', which the runner no longer executes; run 'compile' to rewrite it as '{PipelinePlan.SchemaV2}' and commit it.");
                if (schema != PipelinePlan.SchemaV2)
                    throw MlpException.Invalid($"Unsupported plan schema '{schema ?? "(none)"}'; expected '{PipelinePlan.SchemaV2}'. Run 'compile' to rewrite the plan.");
            }
            plan = JsonSerializer.Deserialize<PipelinePlan>(json, Options);
        }
        catch (JsonException e)
        {
            throw MlpException.Invalid($"The plan is not valid JSON: {e.Message}");
        }
        catch (NotSupportedException e)
        {
            throw MlpException.Invalid($"The plan does not match schema '{PipelinePlan.SchemaV2}': {e.Message}");
        }
        if (plan is null) throw MlpException.Invalid("The plan is empty.");
        return plan;
    }
}
