using MlPipelines.Core.Errors;
using MlPipelines.Evaluation;

namespace MlPipelines.Evaluation.Tests;

public class RegressionAndDetectionTests
{
    private static PredictionSet Csv(string text) => PredictionReader.ReadCsv(new StringReader(text));

    [Fact]
    public void Evaluate_KnownRegression_MatchesScikitLearnValues()
    {
        // sklearn docs example: y_true [3, -0.5, 2, 7], y_pred [2.5, 0.0, 2, 8]
        var r = Evaluator.Evaluate(Csv("label,prediction\n3,2.5\n-0.5,0.0\n2,2\n7,8\n"));

        Assert.Equal(EvaluationTask.Regression, r.Task);
        Assert.Equal(Math.Sqrt(0.375), r.Metrics["rmse"], 12);
        Assert.Equal(0.5, r.Metrics["mae"], 12);
        Assert.Equal(0.9486081370449679, r.Metrics["r2"], 12);
        Assert.Null(r.Confusion);
    }

    [Fact]
    public void Evaluate_ConstantLabelsPerfectFit_R2IsOne()
    {
        var r = Evaluator.Evaluate(Csv("label,prediction\n1.5,1.5\n1.5,1.5\n"), new EvaluationOptions { Task = EvaluationTask.Regression });

        Assert.Equal(1.0, r.Metrics["r2"]);
        Assert.Equal(0.0, r.Metrics["rmse"]);
    }

    [Fact]
    public void Evaluate_RegressionWithTextLabel_ReportsLineAndColumn()
    {
        var e = Assert.Throws<MlpException>(() =>
            Evaluator.Evaluate(Csv("label,prediction\n1,2\nfoo,3\n"), new EvaluationOptions { Task = EvaluationTask.Regression }));

        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.StartsWith("predictions.csv line 3, column 'label': 'foo' is not a number", e.Message);
    }

    [Theory]
    [InlineData("label,prediction\nsetosa,setosa\n", EvaluationTask.Classification)]
    [InlineData("label,prediction\n1.5,1.2\n2,2\n", EvaluationTask.Regression)]
    [InlineData("label,prediction\n0,1\n1,1\n", EvaluationTask.Classification)]
    [InlineData("label,prediction,score\n1.5,1,0.3\n", EvaluationTask.Classification)]
    public void Detect_TypicalFiles_PicksTask(string csv, EvaluationTask expected) =>
        Assert.Equal(expected, TaskDetector.Detect(Csv(csv)));

    [Fact]
    public void Detect_ManyDistinctIntegerLabels_IsRegression()
    {
        var rows = string.Join("\n", Enumerable.Range(100, 30).Select(i => $"{i},{i + 1}"));
        Assert.Equal(EvaluationTask.Regression, TaskDetector.Detect(Csv("label,prediction\n" + rows)));
    }
}
