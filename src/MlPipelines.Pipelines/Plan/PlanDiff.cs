namespace MlPipelines.Pipelines.Plan;

/// <summary>What differs between a committed plan and the plan the definition compiles to, by step.</summary>
/// <param name="ChangedSteps">Steps present in both whose entries differ, in the current plan's order.</param>
/// <param name="AddedSteps">Steps only the current definition has.</param>
/// <param name="RemovedSteps">Steps only the committed plan has.</param>
/// <param name="OtherParts">Plan parts other than steps that differ (<c>schema</c>, <c>pipeline</c>, <c>parameters</c>, <c>data</c>, <c>environments</c>).</param>
public sealed record PlanDiff(IReadOnlyList<string> ChangedSteps, IReadOnlyList<string> AddedSteps, IReadOnlyList<string> RemovedSteps, IReadOnlyList<string> OtherParts)
{
    /// <summary>True when nothing differs.</summary>
    public bool IsEmpty => ChangedSteps.Count == 0 && AddedSteps.Count == 0 && RemovedSteps.Count == 0 && OtherParts.Count == 0;

    /// <summary>Every step named by the diff (changed, added, removed).</summary>
    public IReadOnlyList<string> Steps => [.. ChangedSteps, .. AddedSteps, .. RemovedSteps];

    /// <summary>Compares two plans entry by entry (canonical JSON, so formatting does not matter).</summary>
    public static PlanDiff Between(PipelinePlan committed, PipelinePlan current)
    {
        var before = committed.Steps.ToDictionary(s => s.Name, PlanCanonical.Of, StringComparer.Ordinal);
        var after = current.Steps.ToDictionary(s => s.Name, PlanCanonical.Of, StringComparer.Ordinal);
        var changed = current.Steps.Where(s => before.TryGetValue(s.Name, out var b) && b != after[s.Name]).Select(s => s.Name).ToList();
        var added = current.Steps.Where(s => !before.ContainsKey(s.Name)).Select(s => s.Name).ToList();
        var removed = committed.Steps.Where(s => !after.ContainsKey(s.Name)).Select(s => s.Name).ToList();
        var other = new List<string>();
        if (committed.Schema != current.Schema) other.Add("schema");
        if (committed.Pipeline != current.Pipeline) other.Add("pipeline");
        if (PlanCanonical.Of(committed.Parameters) != PlanCanonical.Of(current.Parameters)) other.Add("parameters");
        if (PlanCanonical.Of(committed.Data) != PlanCanonical.Of(current.Data)) other.Add("data");
        if (PlanCanonical.Of(committed.Environments) != PlanCanonical.Of(current.Environments)) other.Add("environments");
        return new PlanDiff(changed, added, removed, other);
    }

    /// <summary>One line naming what differs, e.g. <c>steps 'train', 'evaluate' differ; step 'report' is new</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (ChangedSteps.Count > 0) parts.Add($"{Noun(ChangedSteps)} {Quote(ChangedSteps)} {(ChangedSteps.Count == 1 ? "differs" : "differ")}");
        if (AddedSteps.Count > 0) parts.Add($"{Noun(AddedSteps)} {Quote(AddedSteps)} {(AddedSteps.Count == 1 ? "is" : "are")} new");
        if (RemovedSteps.Count > 0) parts.Add($"{Noun(RemovedSteps)} {Quote(RemovedSteps)} {(RemovedSteps.Count == 1 ? "was" : "were")} removed");
        if (OtherParts.Count > 0) parts.Add($"{string.Join(", ", OtherParts)} differ");
        return parts.Count == 0 ? "no differences" : string.Join("; ", parts);
    }

    private static string Noun(IReadOnlyList<string> steps) => steps.Count == 1 ? "step" : "steps";
    private static string Quote(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
