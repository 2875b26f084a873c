namespace MlPipelines.Pipelines.Compiler;

/// <summary>Finds dependency cycles and renders each as <c>a → b → a</c>.</summary>
internal static class CycleFinder
{
    /// <param name="order">Step names in definition order.</param>
    /// <param name="edges">step → the steps it depends on.</param>
    internal static IReadOnlyList<string> Find(IReadOnlyList<string> order, IReadOnlyDictionary<string, IReadOnlyList<string>> edges)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 0 new, 1 on stack, 2 done
        var stack = new List<string>();
        var cycles = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        void Visit(string n)
        {
            state[n] = 1;
            stack.Add(n);
            foreach (var m in edges.TryGetValue(n, out var deps) ? deps : [])
            {
                var s = state.GetValueOrDefault(m);
                if (s == 0) Visit(m);
                else if (s == 1)
                {
                    // Path from m back to m along "runs after" edges, shown in execution order: m → … → m.
                    var cycle = stack.Skip(stack.IndexOf(m)).ToList();
                    cycle.Reverse();
                    cycle.Insert(0, cycle[^1]);
                    var key = string.Join(",", cycle.Skip(1).Order(StringComparer.Ordinal));
                    if (seen.Add(key)) cycles.Add(string.Join(" → ", Rotate(cycle)));
                }
            }
            stack.RemoveAt(stack.Count - 1);
            state[n] = 2;
        }

        foreach (var n in order)
            if (state.GetValueOrDefault(n) == 0) Visit(n);
        return cycles;
    }

    /// <summary>Starts the cycle at its first name in definition-independent (ordinal) order so the text is stable.</summary>
    private static IEnumerable<string> Rotate(List<string> cycle)
    {
        var ring = cycle.Skip(1).ToList();
        var start = ring.IndexOf(ring.Min(StringComparer.Ordinal)!);
        var rotated = ring.Skip(start).Concat(ring.Take(start)).ToList();
        rotated.Add(rotated[0]);
        return rotated;
    }
}
