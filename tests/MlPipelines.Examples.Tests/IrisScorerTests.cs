using System.Text.Json;
using Iris.Scorer;

namespace MlPipelines.Examples.Tests;

public sealed class IrisScorerTests : IClassFixture<IrisTrainerTests.TrainedModel>
{
    private readonly IrisScorer _scorer = new();

    public IrisScorerTests(IrisTrainerTests.TrainedModel trained)
    {
        Assert.Equal(0, trained.Result.ExitCode);
        _scorer.Init(trained.ModelDir);
    }

    private ScoreResult Score(string json) => (ScoreResult)_scorer.Score(JsonDocument.Parse(json).RootElement)!;

    [Fact]
    public void Score_DataRows_PredictsTextbookSamples()
    {
        var r = Score("""{"data": [[5.1, 3.5, 1.4, 0.2], [5.9, 3.0, 4.2, 1.5], [6.7, 3.0, 5.2, 2.3]]}""");

        Assert.Equal(["setosa", "versicolor", "virginica"], r.Predictions);
        Assert.All(r.Probabilities, p => Assert.Equal(1.0, p.Values.Sum(), 9));
        Assert.True(r.Probabilities[0]["setosa"] > 0.9);
    }

    [Fact]
    public void Score_SingleNamedObject_ReturnsOnePrediction()
    {
        var r = Score("""{"sepal_length": 6.3, "sepal_width": 3.3, "petal_length": 6.0, "petal_width": 2.5}""");

        Assert.Equal(["virginica"], r.Predictions);
    }

    [Fact]
    public void Score_Result_SerialisesWithLowerCaseKeys()
    {
        var json = JsonSerializer.Serialize(_scorer.Score(JsonDocument.Parse("[[5.1, 3.5, 1.4, 0.2]]").RootElement));

        Assert.StartsWith("{\"predictions\":[\"setosa\"],\"probabilities\":[{\"setosa\":", json);
    }

    [Theory]
    [InlineData("""{"data": [[5.1, 3.5, 1.4]]}""", "row 0 has 3 values; expected 4")]
    [InlineData("""{"data": [[5.1, 3.5, 1.4, "x"]]}""", "row 0, feature 'petal_width': \"x\" is not a number")]
    [InlineData("""{"sepal_length": 5.1}""", "is missing 'sepal_width', 'petal_length', 'petal_width'")]
    [InlineData("""{"data": []}""", "'data' is empty")]
    [InlineData("42", "expected a JSON object or array")]
    public void Score_BadRequest_ExplainsWhatIsWrong(string json, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => Score(json));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Init_FolderWithoutModel_ListsWhatIsThere()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["other.txt"], "x");

        var e = Assert.Throws<FileNotFoundException>(() => new IrisScorer().Init(dir.Path));

        Assert.Contains("'model.json' not found", e.Message);
        Assert.Contains("other.txt", e.Message);
    }
}
