namespace MlPipelines.Compute.Kubernetes.Tests;

public sealed class KubernetesNamesTests
{
    [Theory]
    [InlineData("iris_train-20261201.1", "iris-train-20261201-1")]
    [InlineData("Diabetes.Train/Step__2", "diabetes-train-step-2")]
    [InlineData("--x--", "x")]
    [InlineData("___", "mlp")]
    [InlineData("", "mlp")]
    public void ToDnsLabel_AnyText_GivesAValidLabel(string text, string expected)
    {
        Assert.Equal(expected, KubernetesNames.ToDnsLabel(text));
        Assert.True(KubernetesNames.IsDnsLabel(expected));
    }

    [Fact]
    public void ToDnsLabel_LongText_IsCutWithoutATrailingDash()
    {
        var label = KubernetesNames.ToDnsLabel(new string('a', 62) + "-b" + new string('c', 100));

        Assert.Equal(new string('a', 62), label);
    }

    [Fact]
    public void NewJobName_LongRunId_IsAValidLabelOfAtMost63WithARandomSuffix()
    {
        var runId = "pipeline.Iris/" + new string('x', 200);

        var a = KubernetesTarget.NewJobName(runId);
        var b = KubernetesTarget.NewJobName(runId);

        Assert.True(KubernetesNames.IsDnsLabel(a), a);
        Assert.True(a.Length <= 63);
        Assert.StartsWith("pipeline-iris-xxx", a);
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData("iris.train/r-42", "iris.train_r-42")]
    [InlineData("-._run 1_.-", "run_1")]
    [InlineData(null, "")]
    public void ToLabelValue_AnyText_GivesAValidLabelValue(string? text, string expected) =>
        Assert.Equal(expected, KubernetesNames.ToLabelValue(text));

    [Theory]
    [InlineData("mlp-work", true)]
    [InlineData("claims.team-a", true)]
    [InlineData("Work", false)]
    [InlineData("a..b", false)]
    public void IsDnsSubdomain_Names_AreJudgedByKubernetesRule(string name, bool valid) =>
        Assert.Equal(valid, KubernetesNames.IsDnsSubdomain(name));
}
