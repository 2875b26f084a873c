using MlPipelines.Core.Errors;
using MlPipelines.Evaluation.Gates;

namespace MlPipelines.Evaluation.Tests;

public class GateTests
{
    private static readonly Dictionary<string, double> Metrics = new() { ["accuracy"] = 0.84, ["rmse"] = 50.1 };

    [Fact]
    public void Evaluate_ThresholdNotMet_FailsWithNegatedOperatorReason()
    {
        var d = new Gate().Require("accuracy", ">=", 0.9).Evaluate(Metrics);

        Assert.False(d.Passed);
        Assert.Equal(["accuracy 0.84 < 0.90"], d.Reasons);
        Assert.Equal("accuracy 0.84 < 0.90", d.Summary);
    }

    [Theory]
    [InlineData(">=", 0.84, true, "accuracy 0.84 >= 0.84")]
    [InlineData(">", 0.84, false, "accuracy 0.84 <= 0.84")]
    [InlineData("<=", 0.8, false, "accuracy 0.84 > 0.80")]
    [InlineData("<", 0.85, true, "accuracy 0.84 < 0.85")]
    [InlineData("==", 0.84, true, "accuracy 0.84 == 0.84")]
    [InlineData("!=", 0.84, false, "accuracy 0.84 == 0.84")]
    public void Evaluate_EachOperator_DecidesAndExplains(string op, double threshold, bool passed, string reason)
    {
        var d = new Gate().Require("accuracy", op, threshold).Evaluate(Metrics);

        Assert.Equal(passed, d.Passed);
        Assert.Equal(reason, d.Reasons.Single());
    }

    [Fact]
    public void Evaluate_SeveralConditions_SummaryListsOnlyFailures()
    {
        var d = new Gate().Require("accuracy", ">", 0.5).Require("rmse", "<", 40).Evaluate(Metrics);

        Assert.False(d.Passed);
        Assert.Equal(2, d.Checks.Count);
        Assert.Equal("rmse 50.10 >= 40.00", d.Summary);
    }

    [Fact]
    public void Evaluate_MetricNotLogged_FailsListingLoggedMetrics()
    {
        var d = new Gate().Require("f1_macro", ">=", 0.5).Evaluate(Metrics);

        Assert.False(d.Passed);
        Assert.Equal("metric 'f1_macro' was not logged (logged: 'accuracy', 'rmse')", d.Reasons.Single());
    }

    [Fact]
    public void Require_UnknownOperator_ListsValidOperators()
    {
        var e = Assert.Throws<MlpException>(() => new Gate().Require("accuracy", "=>", 0.9));

        Assert.Equal("Unknown gate operator '=>' for metric 'accuracy'; expected one of >= > <= < == !=.", e.Message);
    }

    [Fact]
    public void Evaluate_NoChampionYet_PassesWithReason()
    {
        var d = new Gate().BetterThan("iris@champion", "accuracy").Evaluate(Metrics, _ => null);

        Assert.True(d.Passed);
        Assert.StartsWith("no current champion (iris@champion)", d.Reasons.Single());
    }

    [Fact]
    public void Evaluate_BetterThanChampion_PassesWithComparisonReason()
    {
        var champions = new Dictionary<string, ChampionMetrics> { ["iris@champion"] = new("iris:2", new Dictionary<string, double> { ["accuracy"] = 0.93 }) };

        var d = new Gate().BetterThan("iris@champion", "accuracy").Evaluate(new Dictionary<string, double> { ["accuracy"] = 0.95 }, champions);

        Assert.True(d.Passed);
        Assert.Equal("accuracy 0.95 > champion 0.93 (iris:2) + 0.00", d.Reasons.Single());
    }

    [Fact]
    public void Evaluate_NotBetterByMinDelta_Fails()
    {
        var champion = new ChampionMetrics("iris:2", new Dictionary<string, double> { ["accuracy"] = 0.93 });

        var d = new Gate().BetterThan("iris@champion", "accuracy", minDelta: 0.05).Evaluate(new Dictionary<string, double> { ["accuracy"] = 0.95 }, _ => champion);

        Assert.False(d.Passed);
        Assert.Equal("accuracy 0.95 <= champion 0.93 (iris:2) + 0.05", d.Summary);
    }

    [Fact]
    public void Evaluate_EqualToChampion_IsNotBetter()
    {
        var champion = new ChampionMetrics("iris:1", new Dictionary<string, double> { ["accuracy"] = 0.84 });

        Assert.False(new Gate().BetterThan("iris@champion", "accuracy").Evaluate(Metrics, _ => champion).Passed);
    }

    [Fact]
    public void Evaluate_LowerIsBetter_ComparesDownwards()
    {
        var champion = new ChampionMetrics("diabetes:3", new Dictionary<string, double> { ["rmse"] = 52.0 });

        var d = new Gate().BetterThan("diabetes@champion", "rmse", 1.0, higherIsBetter: false).Evaluate(Metrics, _ => champion);

        Assert.True(d.Passed);
        Assert.Equal("rmse 50.10 < champion 52.00 (diabetes:3) - 1.00", d.Reasons.Single());
    }

    [Fact]
    public void Evaluate_ResolverReceivesNormalisedReference()
    {
        string? asked = null;
        new Gate().BetterThan("iris:latest", "accuracy").Evaluate(Metrics, r => { asked = r; return null; });

        Assert.Equal("iris", asked);
    }

    [Fact]
    public void Evaluate_ChampionWithoutMetric_Passes()
    {
        var champion = new ChampionMetrics("iris:1", new Dictionary<string, double>());

        var d = new Gate().BetterThan("iris@champion", "accuracy").Evaluate(Metrics, _ => champion);

        Assert.True(d.Passed);
        Assert.Contains("champion iris:1 has no metric 'accuracy'", d.Reasons.Single());
    }

    [Fact]
    public void BetterThan_InvalidAlias_Throws()
    {
        var e = Assert.Throws<MlpException>(() => new Gate().BetterThan("iris@cham pion", "accuracy"));

        Assert.Contains("Invalid alias name 'cham pion'", e.Message);
    }

    [Fact]
    public void Evaluate_EmptyGate_Passes() => Assert.True(new Gate().Evaluate(Metrics).Passed);
}

public class MetricDirectionTests
{
    [Theory]
    [InlineData("accuracy", true)]
    [InlineData("r2", true)]
    [InlineData("roc_auc", true)]
    [InlineData("f1_macro", true)]
    [InlineData("rmse", false)]
    [InlineData("log_loss", false)]
    [InlineData("val-error", false)]
    [InlineData("test.MAE", false)]
    [InlineData("lossless_ratio", true)]
    public void HigherIsBetter_ByName(string metric, bool expected) => Assert.Equal(expected, MetricDirection.HigherIsBetter(metric));
}
