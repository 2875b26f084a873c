namespace MlPipelines.Pipelines.Plan;

/// <summary>Canonical text of plan parts, for cache keys.</summary>
public static class PlanCanonical
{
    /// <summary>Compact deterministic JSON of a step entry.</summary>
    public static string Of(PlanStep step) => PlanJson.Canonical(step);

    /// <summary>Compact deterministic JSON of any plan record.</summary>
    public static string Of<T>(T value) => PlanJson.Canonical(value);
}
