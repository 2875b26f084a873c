using System.Globalization;

namespace MlPipelines.Evaluation.Gates;

/// <summary>
/// A gate over a run's metrics: thresholds (<see cref="Require"/>) and champion comparisons (<see cref="BetterThan"/>).
/// Evaluation is pure: champion metrics come from a resolver supplied by the caller.
/// </summary>
public sealed class Gate
{
    private readonly List<GateCondition> _conditions = [];

    /// <summary>An empty gate (passes).</summary>
    public Gate() { }

    /// <summary>A gate with the given conditions.</summary>
    public Gate(IEnumerable<GateCondition> conditions) => _conditions.AddRange(conditions);

    /// <summary>The conditions, in the order they were added.</summary>
    public IReadOnlyList<GateCondition> Conditions => _conditions;

    /// <summary>Adds <c>metric op threshold</c>; <paramref name="op"/> is one of <c>&gt;= &gt; &lt;= &lt; == !=</c>.</summary>
    public Gate Require(string metric, string op, double threshold)
    {
        _conditions.Add(new ThresholdCondition(metric, op, threshold));
        return this;
    }

    /// <summary>Adds a comparison with the model at <paramref name="model"/> (e.g. <c>iris@champion</c>).</summary>
    public Gate BetterThan(string model, string metric, double minDelta = 0.0, bool higherIsBetter = true)
    {
        _conditions.Add(new ChampionCondition(model, metric, minDelta, higherIsBetter));
        return this;
    }

    /// <summary>Evaluates against metrics, with champion metrics from a dictionary keyed by model reference (e.g. <c>iris@champion</c>).</summary>
    public GateDecision Evaluate(IReadOnlyDictionary<string, double> metrics, IReadOnlyDictionary<string, ChampionMetrics>? champions = null) =>
        Evaluate(metrics, model => champions is not null && champions.TryGetValue(model, out var c) ? c : null);

    /// <summary>Evaluates against metrics; <paramref name="resolveChampion"/> returns null when the reference resolves to nothing yet.</summary>
    public GateDecision Evaluate(IReadOnlyDictionary<string, double> metrics, Func<string, ChampionMetrics?> resolveChampion)
    {
        var checks = _conditions.Select(c => c switch
        {
            ThresholdCondition t => CheckThreshold(t, metrics),
            ChampionCondition ch => CheckChampion(ch, metrics, resolveChampion),
            _ => throw new NotSupportedException(c.GetType().Name),
        }).ToList();
        return new GateDecision(checks.All(c => c.Passed), checks);
    }

    private static GateCheck CheckThreshold(ThresholdCondition t, IReadOnlyDictionary<string, double> metrics)
    {
        if (!metrics.TryGetValue(t.Metric, out var value)) return Missing(t.Metric, metrics);
        var passed = Compare(value, t.Operator, t.Threshold);
        var shown = passed ? t.Operator : Negate(t.Operator);
        return new GateCheck(passed, $"{t.Metric} {Format(value)} {shown} {Format(t.Threshold)}");
    }

    private static GateCheck CheckChampion(ChampionCondition c, IReadOnlyDictionary<string, double> metrics, Func<string, ChampionMetrics?> resolve)
    {
        if (!metrics.TryGetValue(c.Metric, out var value)) return Missing(c.Metric, metrics);
        var champion = resolve(c.Model);
        if (champion is null) return new GateCheck(true, $"no current champion ({c.Model}); {c.Metric} {Format(value)} accepted");
        if (!champion.Metrics.TryGetValue(c.Metric, out var best))
            return new GateCheck(true, $"champion {champion.Version} has no metric '{c.Metric}'; {c.Metric} {Format(value)} accepted");
        var passed = c.HigherIsBetter ? value > best + c.MinDelta : value < best - c.MinDelta;
        var sign = c.HigherIsBetter ? "+" : "-";
        var op = (c.HigherIsBetter, passed) switch { (true, true) => ">", (true, false) => "<=", (false, true) => "<", (false, false) => ">=" };
        return new GateCheck(passed, $"{c.Metric} {Format(value)} {op} champion {Format(best)} ({champion.Version}) {sign} {Format(c.MinDelta)}");
    }

    private static GateCheck Missing(string metric, IReadOnlyDictionary<string, double> metrics)
    {
        var logged = metrics.Count == 0 ? "none" : string.Join(", ", metrics.Keys.Order(StringComparer.Ordinal).Take(20).Select(k => $"'{k}'"));
        return new GateCheck(false, $"metric '{metric}' was not logged (logged: {logged})");
    }

    internal static bool Compare(double value, string op, double threshold) => op switch
    {
        ">=" => value >= threshold,
        ">" => value > threshold,
        "<=" => value <= threshold,
        "<" => value < threshold,
        "==" => value.Equals(threshold),
        "!=" => !value.Equals(threshold),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "unknown operator"),
    };

    private static string Negate(string op) => op switch
    {
        ">=" => "<", ">" => "<=", "<=" => ">", "<" => ">=", "==" => "!=", _ => "==",
    };

    /// <summary>At least two decimals, at most four (0.9 → 0.90, 0.84333 → 0.8433); tiny or huge values in general format.</summary>
    internal static string Format(double v)
    {
        var a = Math.Abs(v);
        if (a != 0 && (a < 0.001 || a >= 1e9)) return v.ToString("G4", CultureInfo.InvariantCulture);
        return v.ToString("0.00##", CultureInfo.InvariantCulture);
    }
}
