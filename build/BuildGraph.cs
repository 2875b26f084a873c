using System.Diagnostics;

namespace MlPipelines.Build;

/// <summary>A small dependency graph of named targets executed in dependency order, each at most once.</summary>
internal sealed class BuildGraph
{
    private readonly Dictionary<string, BuildTarget> _targets = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<BuildTarget> All => _targets.Values;

    public BuildGraph Add(string name, string description, string[] dependsOn, Action body)
    {
        _targets.Add(name, new BuildTarget(name, description, dependsOn, body));
        return this;
    }

    /// <summary>Runs the requested targets and their dependencies; returns false when one fails.</summary>
    public bool Run(IEnumerable<string> requested, bool skipDependencies)
    {
        var order = new List<BuildTarget>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in requested) Visit(name, order, seen, skipDependencies);
        foreach (var target in order)
        {
            Console.WriteLine($"━━ {target.Name}");
            var sw = Stopwatch.StartNew();
            try { target.Body(); }
            catch (BuildFailedException e)
            {
                Console.Error.WriteLine($"✗ Target '{target.Name}' failed: {e.Message}");
                return false;
            }
            Console.WriteLine($"✓ {target.Name} ({sw.Elapsed.TotalSeconds:0.0}s)");
        }
        return true;
    }

    private void Visit(string name, List<BuildTarget> order, HashSet<string> seen, bool skipDependencies)
    {
        if (!_targets.TryGetValue(name, out var target))
            throw new BuildFailedException($"Unknown target '{name}'; available: {string.Join(", ", _targets.Keys.Select(k => $"'{k}'"))}.");
        if (!seen.Add(name)) return;
        if (!skipDependencies)
            foreach (var d in target.DependsOn) Visit(d, order, seen, skipDependencies);
        order.Add(target);
    }
}

internal sealed record BuildTarget(string Name, string Description, string[] DependsOn, Action Body);

internal sealed class BuildFailedException(string message) : Exception(message);
