using MlPipelines.Evaluation;

namespace MlPipelines.Evaluation.Tests;

public class ClassificationMetricsTests
{
    private static EvaluationResult Eval(string csv, EvaluationOptions? options = null) =>
        Evaluator.Evaluate(PredictionReader.ReadCsv(new StringReader(csv)), options);

    [Fact]
    public void Evaluate_KnownBinaryLabels_ComputesConfusionAndPerClassMetrics()
    {
        var r = Eval("label,prediction\na,a\na,a\na,b\nb,b\nb,a\n");

        Assert.Equal(EvaluationTask.Classification, r.Task);
        Assert.Equal(new[] { "a", "b" }, r.Confusion!.Classes);
        Assert.Equal(new[] { new[] { 2, 1 }, new[] { 1, 1 } }, r.Confusion.Rows);
        Assert.Equal(0.6, r.Metrics["accuracy"], 12);
        Assert.Equal(2.0 / 3, r.Metrics["precision_a"], 12);
        Assert.Equal(2.0 / 3, r.Metrics["recall_a"], 12);
        Assert.Equal(0.5, r.Metrics["f1_b"], 12);
        Assert.Equal((2.0 / 3 + 0.5) / 2, r.Metrics["f1_macro"], 12);
        Assert.False(r.Metrics.ContainsKey("roc_auc"));
    }

    [Fact]
    public void Evaluate_ThreeClasses_ConfusionTableHasEveryPairIncludingZeros()
    {
        var r = Eval("label,prediction\ncat,cat\ncat,dog\ndog,dog\nbird,cat\nbird,bird\nbird,bird\n");

        var table = r.Confusion!.ToTable();
        Assert.Equal(9, table.Count);
        Assert.Contains(new ConfusionCell("bird", "cat", 1), table);
        Assert.Contains(new ConfusionCell("bird", "bird", 2), table);
        Assert.Contains(new ConfusionCell("dog", "cat", 0), table);
        Assert.Equal(6, r.Confusion.Total);
        // cat: predicted 2 (1 right) → precision 0.5; actual 2 → recall 0.5
        var cat = r.PerClass.Single(c => c.Class == "cat");
        Assert.Equal((0.5, 0.5, 2), (cat.Precision, cat.Recall, cat.Support));
        // dog: predicted 2 (1 right) → 0.5; actual 1 → recall 1.0 → f1 2/3
        Assert.Equal(2.0 / 3, r.Metrics["f1_dog"], 12);
        Assert.Equal((0.5 + 0.5 + 1.0) / 3, r.Metrics["precision_macro"], 12);
    }

    [Fact]
    public void Evaluate_ClassNeverPredicted_PrecisionIsZeroNotNaN()
    {
        var r = Eval("label,prediction\nx,y\ny,y\n");

        Assert.Equal(0.0, r.Metrics["precision_x"]);
        Assert.Equal(0.0, r.Metrics["f1_x"]);
        Assert.False(double.IsNaN(r.Metrics["f1_macro"]));
    }

    [Fact]
    public void Evaluate_BinaryScores_AucMatchesHandComputedValue()
    {
        // The classic example: y = 0 0 1 1, scores .1 .4 .35 .8 → AUC 0.75.
        var r = Eval("label,prediction,score\n0,0,0.1\n0,0,0.4\n1,0,0.35\n1,1,0.8\n");

        Assert.Equal(0.75, r.Metrics["roc_auc"], 12);
    }

    [Fact]
    public void Evaluate_TiedScores_CountAsHalf()
    {
        var r = Eval("label,prediction,score\nno,no,0.5\nyes,no,0.5\nyes,yes,0.9\n");

        // positives .5 .9 vs negative .5: (0.5 + 1) / 2
        Assert.Equal(0.75, r.Metrics["roc_auc"], 12);
    }

    [Fact]
    public void Evaluate_BinaryScores_LogLossMatchesHandComputedValue()
    {
        var r = Eval("label,prediction,score\n1,1,0.9\n0,0,0.2\n");

        Assert.Equal((-Math.Log(0.9) - Math.Log(0.8)) / 2, r.Metrics["log_loss"], 12);
        Assert.Equal(0.164252033486018, r.Metrics["log_loss"], 9);
    }

    [Fact]
    public void Evaluate_ExplicitPositiveClass_ScoreIsThatClass()
    {
        // score is P(neg) here; with positive 'neg' the ranking is perfect.
        var r = Eval("label,prediction,score\nneg,neg,0.9\npos,pos,0.2\npos,pos,0.1\n", new EvaluationOptions { PositiveClass = "neg" });

        Assert.Equal(1.0, r.Metrics["roc_auc"], 12);
        Assert.Equal((-Math.Log(0.9) - Math.Log(0.8) - Math.Log(0.9)) / 3, r.Metrics["log_loss"], 12);
    }

    [Fact]
    public void Evaluate_MulticlassScores_OneVsRestMacroAucAndLogLoss()
    {
        var r = Eval("""
            label,prediction,score_a,score_b,score_c
            a,a,0.7,0.2,0.1
            b,b,0.3,0.4,0.3
            c,c,0.2,0.3,0.5
            a,a,0.4,0.4,0.2
            """);

        // a: 1.0; b: positive 0.4 vs 0.2, 0.3, 0.4 → 2.5/3; c: 1.0
        Assert.Equal((1 + 2.5 / 3 + 1) / 3, r.Metrics["roc_auc"], 12);
        Assert.Equal(-(Math.Log(0.7) + Math.Log(0.4) + Math.Log(0.5) + Math.Log(0.4)) / 4, r.Metrics["log_loss"], 12);
        Assert.Equal(1.0, r.Metrics["accuracy"]);
    }

    [Fact]
    public void Evaluate_ProbabilityZeroForTrueClass_LogLossIsClippedNotInfinite()
    {
        var r = Eval("label,prediction,score\n1,0,0\n0,0,0\n");

        Assert.True(double.IsFinite(r.Metrics["log_loss"]));
        Assert.Equal(-Math.Log(1e-15) / 2, r.Metrics["log_loss"], 6);
    }

    [Fact]
    public void Evaluate_ScoreOutsideZeroOne_ReportsLineAndColumn()
    {
        var e = Assert.Throws<MlPipelines.Core.Errors.MlpException>(() => Eval("label,prediction,score\n1,1,0.5\n0,0,1.5\n"));

        Assert.Equal("predictions.csv line 3, column 'score': 1.5 is not a probability (expected 0..1).", e.Message);
    }

    [Fact]
    public void Evaluate_OnlyOneClassInLabels_AucOmittedWithNote()
    {
        var r = Eval("label,prediction,score\n1,1,0.9\n1,0,0.3\n");

        Assert.False(r.Metrics.ContainsKey("roc_auc"));
        Assert.Contains(r.Notes, n => n.StartsWith("roc_auc"));
        Assert.True(r.Metrics.ContainsKey("log_loss"));
    }

    [Fact]
    public void Evaluate_NumericClasses_SortedNumerically()
    {
        var r = Eval("label,prediction\n10,10\n2,2\n9,10\n");

        Assert.Equal(new[] { "2", "9", "10" }, r.Confusion!.Classes);
    }

    [Fact]
    public void Evaluate_ClassNameWithSpace_MetricKeySanitised()
    {
        var r = Eval("label,prediction\n\"Iris setosa\",\"Iris setosa\"\nother,other\n");

        Assert.Equal(1.0, r.Metrics["f1_Iris_setosa"]);
    }
}
