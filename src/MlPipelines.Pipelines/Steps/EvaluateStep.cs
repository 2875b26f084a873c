namespace MlPipelines.Pipelines;

/// <summary>
/// Evaluates a model on data and gates what follows: <see cref="Passed"/> is true when every requirement holds.
/// A failed gate is a result (the step completes), not an error. The built-in evaluator reads a predictions file;
/// <see cref="Command"/> runs a user evaluator that reports metrics with <c>##mlp[metric …]</c> lines instead.
/// </summary>
public sealed class EvaluateStep : Step<EvaluateStep>
{
    private List<CommandArg>? _command;

    internal EvaluateStep(PipelineBuilder owner, string name, ModelArtifact model, DataArtifact data) : base(owner, name, "evaluate")
    {
        ModelInput = model;
        DataInput = data;
        Metrics = DeclareOutput("metrics", () => new Metrics(owner, this, "metrics"));
    }

    internal ModelArtifact ModelInput { get; }
    internal DataArtifact DataInput { get; }
    internal FileArtifact? PredictionsInput { get; private set; }
    internal List<(string Metric, string Op, double Value)> Requirements { get; } = [];
    internal List<(string Baseline, string Metric, double MinDelta)> Baselines { get; } = [];

    internal override bool UsesCompute => _command is not null;
    internal override IReadOnlyList<CommandArg>? CommandArgs => _command;
    internal override IEnumerable<ArtifactRef> KindInputs =>
        PredictionsInput is null ? [ModelInput, DataInput] : [ModelInput, DataInput, PredictionsInput];

    /// <summary>The computed metrics.</summary>
    public Metrics Metrics { get; }

    /// <summary>Condition: every requirement and comparison held.</summary>
    public Condition Passed => Condition.ForOutcome(this, "passed");

    /// <summary>Requires a metric to compare with a threshold; <paramref name="op"/> is one of <c>&gt;= &gt; &lt;= &lt; == !=</c>.</summary>
    public EvaluateStep Require(string metric, string op, double value) { Requirements.Add((metric, op, value)); return this; }

    /// <summary>Requires the metric to beat a registered baseline (<c>model@alias</c> or <c>model:version</c>) by at least <paramref name="minDelta"/>; passes when the baseline does not exist yet.</summary>
    public EvaluateStep BetterThan(string baseline, string metric, double minDelta = 0.0) { Baselines.Add((baseline, metric, minDelta)); return this; }

    /// <summary>Uses the built-in evaluator on a predictions file produced by an upstream step.</summary>
    public EvaluateStep Predictions(FileArtifact predictions) { PredictionsInput = predictions; return this; }

    /// <summary>Uses a user evaluator command instead of the built-in one.</summary>
    public EvaluateStep Command(string program, params CommandArg[] args) { _command = [program, .. args]; return this; }
}
