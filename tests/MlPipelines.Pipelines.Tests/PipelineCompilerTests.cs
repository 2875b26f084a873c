using MlPipelines.Core.Errors;
using MlPipelines.Pipelines.Compiler;
using MlPipelines.Pipelines.Parameters;
using MlPipelines.Pipelines.Plan;

namespace MlPipelines.Pipelines.Tests;

// Typed wiring is enforced by the C# compiler and therefore cannot be a runtime test: for example
// `p.Evaluate("e", data, data)` (a Dataset where a ModelArtifact is expected) or `p.Image("i", train.Model)` (a
// ModelArtifact where a RegisteredModel is expected) do not compile.
public sealed class PipelineCompilerTests
{
    [Fact]
    public void Compile_SameDefinitionTwice_ProducesByteIdenticalJson()
    {
        var first = PipelineCompiler.Compile(new IrisPipeline()).Plan.ToJson();
        var second = PipelineCompiler.Compile(new IrisPipeline()).Plan.ToJson();

        Assert.Equal(first, second);
        Assert.DoesNotContain("\r", first);
        Assert.EndsWith("}\n", first);
        Assert.Contains("\"schema\": \"mlp.plan/v2\"", first);
        Assert.Equal(first, PipelinePlan.FromJson(first).ToJson());
    }

    [Fact]
    public void Compile_Iris_RendersPlaceholdersDependenciesAndSettings()
    {
        var plan = PipelineCompiler.Compile(new IrisPipeline()).Plan;

        Assert.Equal("iris", plan.Pipeline);
        Assert.Equal(["prep", "train", "stats", "evaluate", "register", "image", "deploy"], plan.Steps.Select(s => s.Name));
        var train = Assert.IsType<TrainPlanStep>(plan.GetStep("train"));
        Assert.Equal(["dotnet", "run", "--project", "trainers/Iris", "--", "--data", "${inputs.prep.clean.csv}", "--model", "${outputs.model}", "--epochs=${params.Epochs}"], train.Command);
        Assert.Equal(["prep"], train.DependsOn);
        Assert.Equal(["Epochs"], train.Parameters);
        Assert.Equal("dotnet-10", train.Environment);
        Assert.Equal("local", train.Compute);
        Assert.Equal(2, train.Retries);
        Assert.Equal(1200, train.TimeoutSeconds);
        var prep = Assert.IsType<CommandPlanStep>(plan.GetStep("prep"));
        Assert.Equal("${inputs.iris}", prep.Command[4]);
        Assert.Equal("${outputs.clean.csv}", prep.Command[5]);

        var register = Assert.IsType<RegisterPlanStep>(plan.GetStep("register"));
        Assert.Equal(["evaluate", "stats", "train"], register.DependsOn);
        Assert.Equal("evaluate.passed", Assert.Single(register.Conditions).ToString());
        Assert.False(register.AllowReuse);
        Assert.Equal(["challenger"], register.Aliases);

        var eval = Assert.IsType<EvaluatePlanStep>(plan.GetStep("evaluate"));
        Assert.Equal(new MetricRequirement("accuracy", ">=", 0.9), Assert.Single(eval.Requirements));
        Assert.Equal("train.model", eval.ModelInput);
        Assert.Equal("builtin", eval.Evaluator);

        var deploy = Assert.IsType<DeployPlanStep>(plan.GetStep("deploy"));
        Assert.Equal("params.DeployEnabled == true", Assert.Single(deploy.Conditions).ToString());
        Assert.Equal([10, 100], deploy.Stages);
        Assert.Single(plan.Environments, e => e.Name == "dotnet-10" && e.Hash.Length == 64);
    }

    [Fact]
    public void Compile_InvalidDefinition_ReportsAllErrorsAtOnce()
    {
        var options = new CompileOptions { Parameters = new ParameterInput { Assignments = ["Count=abc"] } };
        var e = Assert.Throws<MlpException>(() => PipelineCompiler.Compile(new BrokenPipeline(), options));

        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains("Step 'dup' is defined 2 times; step names must be unique.", e.Details);
        Assert.Contains(e.Details, d => d.StartsWith("Step 'lonely' depends on unknown step 'ghost'; available: ", StringComparison.Ordinal) && d.Contains("'dup'"));
        Assert.Contains("Steps form a cycle: a → b → a.", e.Details);
        Assert.Contains("Step 'far' uses unknown compute 'slurm'; available: 'local'.", e.Details);
        Assert.Contains(e.Details, d => d.StartsWith("Step 'far' uses unknown environment 'cobol-85'; available: 'dotnet-10', 'python-3.11'", StringComparison.Ordinal));
        Assert.Contains("Step 'param-user' uses unknown parameter 'Missing'; available: 'Count'.", e.Details);
        Assert.Contains("Parameter 'Count' has invalid value 'abc' (from --param); expected a whole number (int).", e.Details);
        Assert.Equal(7, e.Details.Count);
        Assert.Equal(ExitCodes.InvalidInput, ExitCodes.For(e.Kind));
    }

    [Fact]
    public void Compile_ConsumerNamesUndeclaredOutputOrEvaluateLacksPredictions_ReportsBothAtCompileTime()
    {
        var e = Assert.Throws<MlpException>(() => PipelineCompiler.Compile(new MiswiredPipeline()));

        Assert.Contains("Step 'evaluate' consumes output 'predictionz' of step 'train', which 'train' does not declare; its outputs: 'model', 'predictions'.", e.Details);
        Assert.Contains(e.Details, d => d.StartsWith("Step 'bare' uses the built-in evaluator but has no predictions", StringComparison.Ordinal));
        Assert.Equal(2, e.Details.Count);
    }

    [Fact]
    public void Compile_Parameters_ArgsBeatEnvironmentBeatFile()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """{"MinAccuracy": 0.5, "Epochs": 7, "Stage": "prod"}""");
            var input = new ParameterInput
            {
                File = file,
                Environment = new Dictionary<string, string> { ["MLP_PARAM_MIN_ACCURACY"] = "0.75", ["MLP_PARAM_EPOCHS"] = "9" },
                Assignments = ["epochs=11"],
            };
            var plan = PipelineCompiler.Compile(new IrisPipeline(), new CompileOptions { Parameters = input }).Plan;

            string Value(string n) => plan.Parameters.Single(p => p.Name == n).Value;
            Assert.Equal("0.75", Value("MinAccuracy"));
            Assert.Equal("11", Value("Epochs"));
            Assert.Equal("Prod", Value("Stage"));
            Assert.Equal("true", Value("DeployEnabled"));
            Assert.Equal("0.9", plan.Parameters.Single(p => p.Name == "MinAccuracy").Default);
            Assert.Equal(0.75, Assert.IsType<EvaluatePlanStep>(plan.GetStep("evaluate")).Requirements[0].Value);
            Assert.Equal(["Dev", "Prod"], plan.Parameters.Single(p => p.Name == "Stage").Allowed);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Compile_UnknownAndMalformedParams_AreReportedWithAvailableNames()
    {
        var input = new ParameterInput { Assignments = ["Nope=1", "novalue", "DeployEnabled=maybe", "Stage=staging"] };
        var e = Assert.Throws<MlpException>(() => PipelineCompiler.Compile(new IrisPipeline(), new CompileOptions { Parameters = input }));

        Assert.Contains("Unknown parameter 'Nope' (--param); available: 'DeployEnabled', 'Epochs', 'MinAccuracy', 'Stage'.", e.Details);
        Assert.Contains("Invalid --param 'novalue'; expected name=value.", e.Details);
        Assert.Contains("Parameter 'DeployEnabled' has invalid value 'maybe' (from --param); expected true or false.", e.Details);
        Assert.Contains("Parameter 'Stage' has invalid value 'staging' (from --param); expected one of 'Dev', 'Prod'.", e.Details);
    }

    [Fact]
    public void Compile_TwoPipelinesInOneProcess_DoNotShareState()
    {
        var tiny = PipelineCompiler.Compile(new TinyPipeline()).Plan;
        var iris = PipelineCompiler.Compile(new IrisPipeline()).Plan;
        var tinyAgain = PipelineCompiler.Compile(new TinyPipeline()).Plan;

        Assert.Equal("tiny", tiny.Pipeline);
        Assert.Equal(["a", "b"], tiny.Steps.Select(s => s.Name));
        Assert.Equal(tiny.ToJson(), tinyAgain.ToJson());
        Assert.Equal(7, iris.Steps.Count);
    }

    [Fact]
    public void Compile_CodeSteps_AreRecordedByNameAndDelegatesReturned()
    {
        var compiled = PipelineCompiler.Compile(new TinyPipeline());
        Assert.Equal("a", Assert.IsType<CodePlanStep>(compiled.Plan.GetStep("a")).Code);
        Assert.Equal(["a", "b"], compiled.CodeSteps.Keys.Order());
    }

    [Fact]
    public void FromJson_UnknownSchema_IsRejected()
    {
        var e = Assert.Throws<MlpException>(() => PipelinePlan.FromJson("""{"schema":"mlp.plan/v9","pipeline":"x"}"""));
        Assert.Contains("'mlp.plan/v9'", e.Message);
    }
}
