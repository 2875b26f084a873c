namespace MlPipelines.Core.Compute;

/// <summary>
/// A compute target registered in the workspace (<c>mlp compute create</c>): a name, a kind (<c>local</c>, <c>docker</c>,
/// <c>slurm</c>, <c>kubernetes</c>) and the kind's options as text (see <see cref="ComputeKinds"/>). Steps name it with
/// <c>.Compute("NAME")</c>; the runner builds the target from this record.
/// </summary>
public sealed record ComputeTargetDefinition
{
    /// <summary>The name steps and <c>--compute</c> use.</summary>
    public required string Name { get; init; }
    /// <summary>One of <see cref="ComputeKinds.All"/>.</summary>
    public required string Kind { get; init; }
    /// <summary>Free text shown by <c>mlp compute list</c>.</summary>
    public string? Description { get; init; }
    /// <summary>How many jobs one runner sends to this target at once (null = no limit beyond the runner's parallelism).</summary>
    public int? MaxConcurrent { get; init; }
    /// <summary>The kind's options by name (e.g. <c>partition</c> = <c>gpu</c>), validated by <see cref="ComputeKinds.Validate"/>.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
    /// <summary>When it was registered.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Who registered it (the caller's identity on a workspace server), or null.</summary>
    public string? CreatedBy { get; init; }
}

/// <summary>Compute targets registered in the workspace.</summary>
public interface IComputeStore
{
    /// <summary>Registers a target; Conflict when one of that name exists (delete it first), InvalidInput when the definition is not valid.</summary>
    ComputeTargetDefinition Create(ComputeTargetDefinition target);
    /// <summary>The target of that name, or null.</summary>
    ComputeTargetDefinition? Find(string name);
    /// <summary>All registered targets by name.</summary>
    IReadOnlyList<ComputeTargetDefinition> List();
    /// <summary>Removes a target; false when none had that name. Runs that used it keep its name.</summary>
    bool Delete(string name);
}
