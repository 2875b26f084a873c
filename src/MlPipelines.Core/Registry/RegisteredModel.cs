namespace MlPipelines.Core.Registry;

/// <summary>
/// A model name and its own metadata, apart from its versions: a model can exist with no version yet (created by name
/// first, as MLflow's create-registered-model does) and keeps existing when its last version is deleted.
/// </summary>
public sealed record RegisteredModel
{
    /// <summary>The model's name.</summary>
    public required string Name { get; init; }
    /// <summary>What the model is for, or null.</summary>
    public string? Description { get; init; }
    /// <summary>Tags of the model (not of one version).</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    /// <summary>When the name was first registered.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the model or one of its versions last changed (a version registered or deleted, a description or tag set).</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Who created the model, or null when unknown (models older than this record).</summary>
    public string? CreatedBy { get; init; }
    /// <summary>The highest version that exists, or null when the model has no version.</summary>
    public int? LatestVersion { get; init; }
    /// <summary>Every alias of the model and the version it points at, by alias name.</summary>
    public IReadOnlyDictionary<string, int> Aliases { get; init; } = new Dictionary<string, int>();
}
