using MlPipelines.Endpoints.Daemon;
using MlPipelines.Workspace;

namespace MlPipelines.Examples.Tests;

/// <summary>The example pipelines as users run them: their program, a real workspace, real endpoints.</summary>
public class ExamplePipelineTests
{
    /// <summary>The built pipeline program (same configuration as these tests).</summary>
    private static string Program(string pipeline, string assembly)
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Support.Pipelines(pipeline, "bin", tfm.Parent!.Name, tfm.Name, assembly + ".dll");
    }

    [Theory]
    [InlineData("Iris", "Iris.Pipeline")]
    [InlineData("Diabetes", "Diabetes.Pipeline")]
    public void CommittedPlan_MatchesDefinition(string pipeline, string assembly)
    {
        var r = Support.Run("dotnet", [Program(pipeline, assembly), "compile", "--check"]);
        Assert.True(r.ExitCode == 0, $"the committed plan of pipelines/{pipeline} is stale; run 'dotnet run --project pipelines/{pipeline} -- compile':\n{r.Stdout}{r.Stderr}");
    }

    [Fact]
    public void Iris_RunTwice_PredictsThroughEndpointThenReusesEverythingItCan()
    {
        using var tmp = new TempDir();
        using (LocalWorkspace.Init(tmp.Path)) { }
        try
        {
            var first = RunPipeline("Iris", "Iris.Pipeline", tmp.Path);
            Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
            Assert.Contains("[invoke] Prediction from deployment 'blue': {\"predictions\":[\"virginica\"]", first.Stdout);
            Assert.Contains("[promote] iris@champion: (none) → 1", first.Stdout);

            StopEndpoints(tmp.Path); // the second run must bring the stopped endpoint back
            var second = RunPipeline("Iris", "Iris.Pipeline", tmp.Path);
            Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
            foreach (var step in new[] { "profile", "train", "package", "evaluate", "register", "image" })
                Assert.Contains($"[{step}] reused (from run ", second.Stdout);
            Assert.Contains("[promote] skipped (gate: accuracy", second.Stdout);
            Assert.Contains("[deploy] deployment 'blue' already serves iris:1 (Healthy); nothing to do", second.Stdout);
            Assert.Contains("[invoke] Prediction from deployment 'blue'", second.Stdout);
        }
        finally { StopEndpoints(tmp.Path); }
    }

    [RequiresSklearnFact]
    public void Diabetes_TwoVariantsInParallel_BetterOneServedByScorePy()
    {
        using var tmp = new TempDir();
        using (LocalWorkspace.Init(tmp.Path)) { }
        try
        {
            var r = RunPipeline("Diabetes", "Diabetes.Pipeline", tmp.Path, "--param", $"Python={SklearnPython.Path}");
            Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
            Assert.Matches(@"\[select\] Selected '(ridge|gbr)'", r.Stdout);
            Assert.Contains("[register] registered model diabetes:1", r.Stdout);
            Assert.Matches(@"\[invoke\] Prediction from deployment 'blue': \[\d+(\.\d+)?\]", r.Stdout);
        }
        finally { StopEndpoints(tmp.Path); }
    }

    private static Support.ProcessResult RunPipeline(string pipeline, string assembly, string workspace, params string[] extra) =>
        Support.Run("dotnet", [Program(pipeline, assembly), "run", "--workspace", workspace, .. extra], workingDir: workspace,
            env: new Dictionary<string, string> { ["CI"] = "true" }, timeoutMs: 300_000);

    private static void StopEndpoints(string workspace)
    {
        using var ws = LocalWorkspace.Open(workspace);
        new DaemonClient(ws.ScratchDirectory).StopAsync(CancellationToken.None).GetAwaiter().GetResult();
    }
}
