using MlPipelines.Core.Errors;

namespace MlPipelines.Compute;

/// <summary>The compute targets a host makes available, by name.</summary>
public sealed class ComputeTargetRegistry
{
    private readonly Dictionary<string, IComputeTarget> _targets = new(StringComparer.Ordinal);

    /// <summary>A registry holding the given targets.</summary>
    public ComputeTargetRegistry(params IComputeTarget[] targets)
    {
        foreach (var t in targets) Add(t);
    }

    /// <summary>A registry with the built-in targets (<c>local</c>).</summary>
    public static ComputeTargetRegistry CreateDefault() => new(new LocalProcessTarget());

    /// <summary>Adds or replaces a target.</summary>
    public ComputeTargetRegistry Add(IComputeTarget target)
    {
        _targets[target.Name] = target;
        return this;
    }

    /// <summary>Names of the available targets, sorted.</summary>
    public IReadOnlyList<string> Names => _targets.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>The target of that name, or NotFound listing the available ones.</summary>
    public IComputeTarget Get(string name) =>
        _targets.TryGetValue(name, out var t) ? t : throw MlpException.NotFound("compute target", name, Names);
}
