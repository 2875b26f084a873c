namespace MlPipelines.Core.Environments;

/// <summary>
/// One version of an environment, keyed by the content hash of its definition: what it is (curated, system-managed,
/// user-managed), the image tag it builds to, and the engine's image id once built. Built once per hash, then reused.
/// </summary>
public sealed record EnvironmentRecord
{
    /// <summary>SHA-256 of the definition (kind + sorted fields + build context files): the version.</summary>
    public required string Hash { get; init; }
    /// <summary>The environment's name, e.g. <c>python-3.11</c> or a declared one.</summary>
    public required string Name { get; init; }
    /// <summary><c>curated</c>, <c>system-managed</c> or <c>user-managed</c>.</summary>
    public required string Kind { get; init; }
    /// <summary>The definition's fields (image, base, apt, pip, conda, dockerfile, context…).</summary>
    public IReadOnlyDictionary<string, string> Definition { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
    /// <summary>The image the environment runs as: the referenced image of a user-managed image environment, else <c>mlp-env/NAME:HASH12</c>.</summary>
    public required string Image { get; init; }
    /// <summary>The engine's image id (<c>sha256:…</c>) after a build, or null.</summary>
    public string? ImageId { get; init; }
    /// <summary><c>defined</c> (recorded, not built) or <c>built</c>.</summary>
    public required string State { get; init; }
    /// <summary>How long the build took.</summary>
    public TimeSpan? BuildTime { get; init; }
    /// <summary>When this version was first recorded.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it was last built.</summary>
    public DateTimeOffset? BuiltAt { get; init; }
}

/// <summary>Environment versions recorded in the workspace.</summary>
public interface IEnvironmentStore
{
    /// <summary>Inserts the version, or updates its build state when that hash is recorded.</summary>
    void Save(EnvironmentRecord environment);
    /// <summary>A version by hash (or a unique hash prefix of ≥ 8 characters), or the newest version of that name; null when none.</summary>
    EnvironmentRecord? Find(string nameOrHash);
    /// <summary>All versions, newest first.</summary>
    IReadOnlyList<EnvironmentRecord> List();
    /// <summary>Forgets one version (by hash) or every version of a name; returns how many were removed. Images are not removed from the engine here.</summary>
    int Delete(string nameOrHash);
}
