namespace MlPipelines.Pipelines.Tests;

/// <summary>The smallest pipeline ending in a step of the given kind (with the upstream steps that kind needs).</summary>
public sealed class KindPipeline(string kind) : Pipeline
{
    public override string Name => "kind-" + kind;

    [Parameter("Minimum accuracy")] public double MinAccuracy { get; init; } = 0.9;

    protected override void Define(PipelineBuilder p)
    {
        var data = p.Data("iris", "data/iris.csv");
        switch (kind)
        {
            case "command":
                p.Command("features", c => c.Command("bash", "-c", "cut -d, -f1 \"$0\" > \"$1\"", data, c.Outputs.File("features.csv"))).Retry(1);
                return;
            case "code":
                p.Code("profile", ctx => ctx.Log(ctx.Input(data))).Inputs(data).Uses(p.Param(nameof(MinAccuracy)));
                return;
        }
        var train = p.Train("train", t => t.Command("python3", "train.py", "--data", data, "--model", t.Outputs.Model,
                "--predictions", t.Outputs.File("predictions"), "--min", p.Param(nameof(MinAccuracy))))
            .Environment("python-3.11-sklearn").Timeout(TimeSpan.FromMinutes(5));
        if (kind == "train") return;
        var eval = p.Evaluate("evaluate", train.Model, data).Predictions(train.Outputs.File("predictions"))
            .Require("accuracy", ">=", MinAccuracy).BetterThan("iris@champion", "accuracy", 0.01);
        if (kind == "evaluate") return;
        var register = p.Register("register", train.Model, name: "iris").Alias("challenger").Tag("team", "ml").When(eval.Passed);
        if (kind == "register") return;
        if (kind == "promote")
        {
            p.Promote("promote", register, alias: "champion").When(eval.Passed);
            return;
        }
        var image = p.Image("image", register).With("baseImage", "mcr.microsoft.com/dotnet/aspnet:10.0");
        if (kind == "image") return;
        p.Deploy("deploy", image, endpoint: "iris", deployment: "blue", traffic: 100).TrafficStages(10, 50, 100).Target("local");
    }
}

/// <summary>Train → evaluate, with or without an ordering-only edge from an unrelated step.</summary>
public sealed class OrderingPipeline(bool withAfter) : Pipeline
{
    protected override void Define(PipelineBuilder p)
    {
        var data = p.Data("iris", "data/iris.csv");
        var lint = p.Command("lint", "true");
        var train = p.Train("train", t => t.Command("python3", "train.py", data, t.Outputs.Model, t.Outputs.File("predictions")));
        var eval = p.Evaluate("evaluate", train.Model, data).Predictions(train.Outputs.File("predictions")).Require("accuracy", ">=", 0.9);
        if (withAfter)
        {
            train.After(lint).Retry(3).Timeout(TimeSpan.FromMinutes(1)).Compute("local");
            eval.After(lint);
        }
    }
}
