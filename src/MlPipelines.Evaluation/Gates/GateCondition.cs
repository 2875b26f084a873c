using MlPipelines.Core.Errors;
using MlPipelines.Core.Registry;

namespace MlPipelines.Evaluation.Gates;

/// <summary>One condition of a gate. Conditions are plain data so a compiled pipeline plan can carry them.</summary>
public abstract record GateCondition
{
    /// <summary>The metric the condition looks at.</summary>
    public abstract string Metric { get; }
}

/// <summary><c>metric op threshold</c>, e.g. <c>accuracy &gt;= 0.9</c>.</summary>
public sealed record ThresholdCondition : GateCondition
{
    /// <summary>The comparison operators accepted by <see cref="Gate.Require"/>.</summary>
    public static readonly IReadOnlyList<string> Operators = [">=", ">", "<=", "<", "==", "!="];

    /// <summary>Creates a threshold condition; the operator must be one of <see cref="Operators"/>.</summary>
    public ThresholdCondition(string metric, string op, double threshold)
    {
        if (string.IsNullOrWhiteSpace(metric)) throw MlpException.Invalid("A gate condition needs a metric name, e.g. Require(\"accuracy\", \">=\", 0.9).");
        if (!Operators.Contains(op))
            throw MlpException.Invalid($"Unknown gate operator '{op}' for metric '{metric}'; expected one of {string.Join(" ", Operators)}.");
        if (!double.IsFinite(threshold)) throw MlpException.Invalid($"Gate threshold for '{metric}' must be a finite number, got {threshold}.");
        Metric = metric; Operator = op; Threshold = threshold;
    }

    /// <inheritdoc />
    public override string Metric { get; }
    /// <summary>One of <c>&gt;= &gt; &lt;= &lt; == !=</c>.</summary>
    public string Operator { get; }
    /// <summary>The value compared against.</summary>
    public double Threshold { get; }
}

/// <summary>The candidate must beat the model at <see cref="Model"/> (e.g. <c>iris@champion</c>) on <see cref="Metric"/> by more than <see cref="MinDelta"/>.</summary>
public sealed record ChampionCondition : GateCondition
{
    /// <summary>Creates a champion comparison; <paramref name="model"/> is NAME, NAME:VERSION or NAME@ALIAS.</summary>
    public ChampionCondition(string model, string metric, double minDelta = 0.0, bool higherIsBetter = true)
    {
        if (string.IsNullOrWhiteSpace(metric)) throw MlpException.Invalid($"A champion comparison against '{model}' needs a metric name.");
        if (!double.IsFinite(minDelta) || minDelta < 0) throw MlpException.Invalid($"minDelta for '{metric}' must be a finite number ≥ 0, got {minDelta}.");
        Model = ModelRef.Parse(model).ToString();
        Metric = metric; MinDelta = minDelta; HigherIsBetter = higherIsBetter;
    }

    /// <summary>The model reference compared against, normalised (e.g. <c>iris@champion</c>).</summary>
    public string Model { get; }
    /// <inheritdoc />
    public override string Metric { get; }
    /// <summary>How much better than the champion the candidate must be.</summary>
    public double MinDelta { get; }
    /// <summary>True for accuracy-like metrics, false for loss-like ones (rmse, log_loss).</summary>
    public bool HigherIsBetter { get; }
}
