using System.Text.Json;
using MlPipelines.Core.Registry;

namespace MlPipelines.Cli.Commands;

/// <summary>The JSON shape of a model version (tuples flattened to named objects, the signature as JSON, not a string).</summary>
internal sealed record ModelView(
    string Name, int Version, string Hash, string? Flavor, string? Description,
    IReadOnlyList<string> Aliases, IReadOnlyDictionary<string, string> Tags, IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<ModelFile> Files, JsonElement? Signature, LineageRefs Lineage, DateTimeOffset CreatedAt, string? CreatedBy)
{
    public static ModelView Of(ModelVersion v) => new(
        v.Name, v.Version, v.Hash, v.Flavor, v.Description, v.Aliases, v.Tags, v.Metrics, v.Files,
        ParseSignature(v.SignatureJson),
        new LineageRefs(v.Lineage.RunId, v.Lineage.PipelineRunId,
            v.Lineage.Datasets.Select(d => new DatasetRef(d.Dataset, d.Version)).ToList(), v.Lineage.SnapshotHash, v.Lineage.Environment),
        v.CreatedAt, v.CreatedBy);

    private static JsonElement? ParseSignature(string? json)
    {
        if (json is null) return null;
        try { using var doc = JsonDocument.Parse(json); return doc.RootElement.Clone(); }
        catch (JsonException) { return JsonSerializer.SerializeToElement(json); }
    }
}

/// <summary>Lineage references of a model version.</summary>
internal sealed record LineageRefs(string? RunId, string? PipelineRunId, IReadOnlyList<DatasetRef> Datasets, string? SnapshotHash, string? Environment);

/// <summary>A dataset version reference.</summary>
internal sealed record DatasetRef(string Name, int Version);
