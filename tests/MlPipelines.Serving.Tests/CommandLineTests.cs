using MlPipelines.Scoring.Hosting;

namespace MlPipelines.Serving.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void Parse_ToArgumentsRoundTrip_GivesSameOptions()
    {
        var o = new ScoringHostCommandLine
        {
            ModelDirectory = "/m", Scorer = ScorerKind.Python, ScorePy = "/s/score.py", Workers = 3, Urls = "http://127.0.0.1:9000",
            Keys = ["a", "b"], MaxBodyBytes = 10, TimeoutMs = 20, MaxConcurrency = 30, SignaturePath = "/sig.json",
        };
        var parsed = ScoringHostCommandLine.Parse(o.ToArguments(), _ => null);
        Assert.Equal(o.ToArguments(), parsed.ToArguments());
        Assert.Equal(["a", "b"], parsed.Keys);
    }

    [Fact]
    public void Parse_EnvironmentOnly_UsesEnvironmentAndAzureModelDir()
    {
        var env = new Dictionary<string, string> { ["AZUREML_MODEL_DIR"] = "/azure", ["MLP_SCORER_ASSEMBLY"] = "/a.dll", ["MLP_SERVE_KEYS"] = "x, y", ["MLP_TIMEOUT_MS"] = "123" };
        var o = ScoringHostCommandLine.Parse([], k => env.GetValueOrDefault(k));
        Assert.Equal("/azure", o.ModelDirectory);
        Assert.Equal("/a.dll", o.ScorerAssembly);
        Assert.Equal(["x", "y"], o.Keys);
        Assert.Equal(123, o.TimeoutMs);
        Assert.Equal(5000, new ScoringHostCommandLine { ModelDirectory = "m" }.TimeoutMs);
    }

    [Fact]
    public void Parse_BadInput_ThrowsWithUsage()
    {
        var unknown = Assert.Throws<ArgumentException>(() => ScoringHostCommandLine.Parse(["--model-dir", "m", "--bogus", "1"], _ => null));
        Assert.Contains("'--bogus'", unknown.Message);
        Assert.Contains("usage:", unknown.Message);
        var kind = Assert.Throws<ArgumentException>(() => ScoringHostCommandLine.Parse(["--model-dir", "m", "--scorer", "java"], _ => null));
        Assert.Contains("'java'", kind.Message);
        var noPy = Assert.Throws<ArgumentException>(() => ScoringHostCommandLine.Parse(["--model-dir", "m", "--scorer", "python"], _ => null));
        Assert.Contains("--score-py", noPy.Message);
    }

    [Fact]
    public void CreateStartInfo_WithKeys_PassesKeysByEnvironment()
    {
        var psi = new ScoringHostCommandLine { ModelDirectory = "/m", ScorerAssembly = "/a.dll", Keys = ["secret"] }.CreateStartInfo("/host");
        Assert.Equal("dotnet", psi.FileName);
        Assert.Equal("/host/MlPipelines.Serving.dll", psi.ArgumentList[0]);
        Assert.DoesNotContain("secret", psi.ArgumentList);
        Assert.Equal("secret", psi.Environment[ScoringHostCommandLine.KeysEnvironmentVariable]);
    }
}
