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
            plan = JsonSerializer.Deserialize<PipelinePlan>(json, Options);
        }
        catch (JsonException e)
        {
            throw MlpException.Invalid($"The plan is not valid JSON: {e.Message}");
        }
        if (plan is null) throw MlpException.Invalid("The plan is empty.");
        if (plan.Schema != PipelinePlan.SchemaV1)
            throw MlpException.Invalid($"Unsupported plan schema '{plan.Schema}'; expected '{PipelinePlan.SchemaV1}'. Recompile the pipeline.");
        return plan;
    }
}
