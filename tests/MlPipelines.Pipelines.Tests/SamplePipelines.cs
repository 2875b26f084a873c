using MlPipelines.Pipelines;

namespace MlPipelines.Pipelines.Tests;

public enum Stage { Dev, Prod }

public sealed class IrisPipeline : Pipeline
{
    [Parameter("Minimum accuracy to register")] public double MinAccuracy { get; init; } = 0.9;
    [Parameter("Training epochs")] public int Epochs { get; init; } = 3;
    [Parameter("Deploy after registering")] public bool DeployEnabled { get; init; } = true;
    [Parameter("Target stage")] public Stage Stage { get; init; } = Stage.Dev;

    protected override void Define(PipelineBuilder p)
    {
        var data = p.Data("iris", "data/iris.csv");
        var prep = p.Command("prep", c => c.Command("bash", "-c", "cp \"$1\" \"$2\"", "prep", data, c.Outputs.File("clean.csv")));
        var clean = prep.Outputs.File("clean.csv");
        var train = p.Train("train", t => t.Command("dotnet", "run", "--project", "trainers/Iris", "--", "--data", clean, "--model", t.Outputs.Model,
                                                    CommandArg.Format($"--epochs={p.Param(nameof(Epochs))}")))
                     .Environment("dotnet-10").Compute("local").Retry(2).Timeout(TimeSpan.FromMinutes(20));
        var stats = p.Code("stats", ctx => ctx.Log("rows")).Inputs(data);
        var eval = p.Evaluate("evaluate", train.Model, data).Predictions(clean).Require("accuracy", ">=", MinAccuracy).BetterThan("iris@champion", "accuracy");
        var model = p.Register("register", train.Model, name: "iris").Alias("challenger").When(eval.Passed).After(stats);
        var image = p.Image("image", model);
        p.Deploy("deploy", image, endpoint: "iris", deployment: "blue", traffic: 100).TrafficStages(10, 100).When(p.Param(nameof(DeployEnabled)).IsTrue);
    }
}

/// <summary>Graph errors the compiler finds: an output the producer does not declare, an evaluation without predictions.</summary>
public sealed class MiswiredPipeline : Pipeline
{
    protected override void Define(PipelineBuilder p)
    {
        var data = p.Data("iris", "data/iris.csv");
        var train = p.Train("train", t => t.Command("python3", "train.py", data, t.Outputs.Model, t.Outputs.File("predictions")));
        p.Evaluate("evaluate", train.Model, data).Predictions(train.Outputs.File("predictionz"));
        p.Evaluate("bare", train.Model, data).Require("accuracy", ">=", 0.9);
    }
}

public sealed class TinyPipeline : Pipeline
{
    protected override void Define(PipelineBuilder p)
    {
        var a = p.Code("a", _ => { });
        p.Code("b", _ => { }).After(a);
    }
}

public sealed class BrokenPipeline : Pipeline
{
    [Parameter("A number")] public int Count { get; init; } = 1;

    protected override void Define(PipelineBuilder p)
    {
        p.Command("dup", "true");
        p.Command("dup", "true");
        p.Command("lonely", "true").DependsOn("ghost");
        var a = p.Command("a", "true");
        var b = p.Command("b", "true").DependsOn(a);
        a.DependsOn(b);
        p.Command("far", "true").Compute("slurm").Environment("cobol-85");
        p.Command("param-user", "echo", p.Param("Missing"));
    }
}
