using Json.Schema;
using MlPipelines.Core.Errors;
using MlPipelines.Pipelines.Compiler;
using MlPipelines.Pipelines.Plan;

namespace MlPipelines.Pipelines.Tests;

public sealed class PlanV2Tests
{
    public static TheoryData<string> Kinds => new(["command", "train", "code", "evaluate", "register", "promote", "image", "deploy"]);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Compile_OnePipelinePerStepKind_MatchesApprovedPlan(string kind)
    {
        var json = PipelineCompiler.Compile(new KindPipeline(kind)).Plan.ToJson();

        Approved.Verify(json, $"kind-{kind}.plan", "json");
        Assert.Equal(json, PipelinePlan.FromJson(json).ToJson());
        AssertValid(json, $"kind-{kind}");
    }

    [Fact]
    public void Schema_EveryCommittedPlan_Validates()
    {
        var plans = Directory.GetFiles(Path.Combine(RepoRoot(), "pipelines"), "*.plan.json", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();

        Assert.True(plans.Count >= 3, $"expected the committed plans of pipelines/*, found {plans.Count}");
        foreach (var plan in plans) AssertValid(File.ReadAllText(plan), plan);
    }

    [Fact]
    public void Schema_PlanWithUnknownKind_IsRejected()
    {
        var json = PipelineCompiler.Compile(new KindPipeline("train")).Plan.ToJson().Replace("\"kind\": \"train\"", "\"kind\": \"sing\"", StringComparison.Ordinal);

        var result = Schema().Evaluate(System.Text.Json.JsonDocument.Parse(json).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.False(result.IsValid);
    }

    [Fact]
    public void FromJson_V1Plan_IsRefusedWithMessageToCompile()
    {
        var e = Assert.Throws<MlpException>(() => PipelinePlan.FromJson("""{"schema": "mlp.plan/v1", "pipeline": "x", "steps": []}"""));

        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains("'mlp.plan/v1'", e.Message);
        Assert.Contains("run 'compile'", e.Message);
    }

    [Fact]
    public void Compile_AfterRetriesTimeoutAndCompute_DoNotChangeFingerprints()
    {
        var plain = PipelineCompiler.Compile(new OrderingPipeline(withAfter: false)).Plan;
        var ordered = PipelineCompiler.Compile(new OrderingPipeline(withAfter: true)).Plan;

        Assert.Equal(["lint"], ordered.GetStep("evaluate").DependsOn.Except(plain.GetStep("evaluate").DependsOn));
        foreach (var step in new[] { "train", "evaluate" })
            Assert.Equal(plain.GetStep(step).Fingerprint, ordered.GetStep(step).Fingerprint);
    }

    [Fact]
    public void Compile_CommandChanged_ChangesOnlyThatStepsFingerprint()
    {
        var a = PipelineCompiler.Compile(new KindPipeline("evaluate")).Plan;
        var b = PipelineCompiler.Compile(new KindPipeline("evaluate") { MinAccuracy = 0.95 }).Plan;

        // MinAccuracy reaches train as a ${params.X} placeholder (its value is a key part, not a definition field) and is baked into the gate.
        Assert.Equal(a.GetStep("train").Fingerprint, b.GetStep("train").Fingerprint);
        Assert.NotEqual(a.GetStep("evaluate").Fingerprint, b.GetStep("evaluate").Fingerprint);
    }

    private static void AssertValid(string json, string what)
    {
        var result = Schema().Evaluate(System.Text.Json.JsonDocument.Parse(json).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"{what} does not match docs/plan.schema.json: " +
            string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}")));
    }

    // Built once: the schema registers its $id globally.
    private static readonly Lazy<JsonSchema> Loaded = new(() => JsonSchema.FromText(File.ReadAllText(Path.Combine(RepoRoot(), "docs", "plan.schema.json"))));

    private static JsonSchema Schema() => Loaded.Value;

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlPipelines.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("MlPipelines.sln not found above " + AppContext.BaseDirectory);
    }
}
