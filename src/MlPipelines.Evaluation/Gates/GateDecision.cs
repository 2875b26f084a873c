namespace MlPipelines.Evaluation.Gates;

/// <summary>The outcome of one condition, with a human-readable reason such as <c>accuracy 0.84 &lt; 0.90</c>.</summary>
public sealed record GateCheck(bool Passed, string Reason);

/// <summary>A gate's decision: passed when every check passed; the reasons say why.</summary>
public sealed record GateDecision(bool Passed, IReadOnlyList<GateCheck> Checks)
{
    /// <summary>Every reason, in condition order.</summary>
    public IReadOnlyList<string> Reasons => Checks.Select(c => c.Reason).ToList();

    /// <summary>The reasons of failed checks joined by "; " (what a skipped step shows), or all reasons when passed.</summary>
    public string Summary => string.Join("; ", (Passed ? Checks : Checks.Where(c => !c.Passed)).Select(c => c.Reason));
}

/// <summary>A champion's metrics, as resolved from the registry; <see cref="Version"/> is shown in reasons, e.g. <c>iris:2</c>.</summary>
public sealed record ChampionMetrics(string Version, IReadOnlyDictionary<string, double> Metrics);
