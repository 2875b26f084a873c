using MlPipelines.Core.Errors;
using MlPipelines.Evaluation;

namespace MlPipelines.Evaluation.Tests;

public sealed class PredictionReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlp-eval-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void ReadFile_NonNumericScoreOnLine17_ReportsLineAndColumn()
    {
        var lines = new List<string> { "label,prediction,score" };
        lines.AddRange(Enumerable.Range(0, 15).Select(i => $"{i % 2},{i % 2},0.{i + 1}"));
        lines.Add("1,1,abc"); // line 17
        var path = Write("predictions.csv", string.Join("\n", lines) + "\n");

        var e = Assert.Throws<MlpException>(() => PredictionReader.ReadFile(path));

        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Equal("predictions.csv line 17, column 'score': 'abc' is not a number.", e.Message);
    }

    [Fact]
    public void ReadFile_MissingPredictionColumn_NamesColumnsFound()
    {
        var path = Write("preds.csv", "label,pred\n1,1\n");

        var e = Assert.Throws<MlpException>(() => PredictionReader.ReadFile(path));

        Assert.Contains("missing column 'prediction'", e.Message);
        Assert.Contains("'label', 'pred'", e.Message);
        Assert.StartsWith("preds.csv", e.Message);
    }

    [Fact]
    public void ReadFile_WrongFieldCount_ReportsLine()
    {
        var path = Write("p.csv", "label,prediction\n1,1\n1,1,1\n");

        var e = Assert.Throws<MlpException>(() => PredictionReader.ReadFile(path));

        Assert.StartsWith("p.csv line 3: has 3 fields but the header has 2", e.Message);
    }

    [Fact]
    public void ReadFile_QuotedFieldsAndCrLf_Parsed()
    {
        var path = Write("p.csv", "label,prediction,score\r\n\"a, b\",\"a, b\",0.5\r\n\"say \"\"hi\"\"\",x,0.25\r\n");

        var set = PredictionReader.ReadFile(path);

        Assert.Equal(2, set.Rows.Count);
        Assert.Equal("a, b", set.Rows[0].Label);
        Assert.Equal("say \"hi\"", set.Rows[1].Label);
        Assert.Equal(0.25, set.Rows[1].Score);
        Assert.Equal(3, set.Rows[1].Line);
    }

    [Fact]
    public void ReadFile_JsonLines_ReadsNumbersStringsAndClassScores()
    {
        var path = Write("predictions.jsonl", """
            {"label": "setosa", "prediction": "setosa", "score_setosa": 0.9, "score_virginica": 0.1}

            {"label": "virginica", "prediction": "setosa", "score_setosa": 0.6, "score_virginica": 0.4}
            """);

        var set = PredictionReader.ReadFile(path);

        Assert.Equal(new[] { "setosa", "virginica" }, set.ScoreClasses);
        Assert.Equal(3, set.Rows[1].Line);
        Assert.Equal(0.4, set.Rows[1].ClassScores["virginica"]);
        var r = Evaluator.Evaluate(set);
        Assert.Equal(0.5, r.Metrics["accuracy"]);
        Assert.Equal(1.0, r.Metrics["roc_auc"]);
    }

    [Fact]
    public void ReadFile_JsonLinesBadNumber_ReportsLineAndColumn()
    {
        var path = Write("p.jsonl", "{\"label\": 1, \"prediction\": 1, \"score\": 0.3}\n{\"label\": 0, \"prediction\": 1, \"score\": \"high\"}\n");

        var e = Assert.Throws<MlpException>(() => PredictionReader.ReadFile(path));

        Assert.Equal("p.jsonl line 2, column 'score': 'high' is not a number.", e.Message);
    }

    [Fact]
    public void ReadFile_JsonLinesMissingKeyOnLaterLine_ReportsLine()
    {
        var path = Write("p.jsonl", "{\"label\": 1, \"prediction\": 1}\n{\"label\": 0}\n");

        var e = Assert.Throws<MlpException>(() => PredictionReader.ReadFile(path));

        Assert.Equal("p.jsonl line 2: column 'prediction' is missing; the first row has it.", e.Message);
    }

    [Fact]
    public void ReadFile_EmptyLabel_ReportsLineAndColumn()
    {
        var path = Write("p.csv", "label,prediction\n,1\n");

        var e = Assert.Throws<MlpException>(() => PredictionReader.ReadFile(path));

        Assert.Equal("p.csv line 2, column 'label': value is empty.", e.Message);
    }

    [Fact]
    public void ReadFile_HeaderOnly_SaysNoDataRows()
    {
        var e = Assert.Throws<MlpException>(() => PredictionReader.ReadFile(Write("p.csv", "label,prediction\n")));

        Assert.Contains("has no data rows", e.Message);
    }

    [Fact]
    public void ReadFile_MissingFile_SaysWhatWasExpected()
    {
        var e = Assert.Throws<MlpException>(() => PredictionReader.ReadFile(Path.Combine(_dir, "nope.csv")));

        Assert.Contains("does not exist", e.Message);
    }
}
