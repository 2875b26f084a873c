using MlPipelines.Pipelines;
using MlPipelines.Steps;

namespace IrisExample;

/// <summary>
/// Train → evaluate → register → promote → image → deploy → invoke, on the Iris data shipped in data/iris.csv.
/// The trainer (Trainer/) is a plain console program; the scorer (Scorer/) is packaged with the model so the
/// scoring host can serve it anywhere.
/// </summary>
public sealed class IrisPipeline : Pipeline
{
    [Parameter("Minimum held-out accuracy required to register the model")]
    public double MinAccuracy { get; init; } = 0.9;

    [Parameter("Gradient-descent epochs of the trainer")]
    public int Epochs { get; init; } = 300;

    [Parameter("Learning rate of the trainer")]
    public double LearningRate { get; init; } = 0.5;

    private const string Sample = """{"data": [[5.9, 3.0, 5.1, 1.8]]}""";

    protected override void Define(PipelineBuilder p)
    {
        var data = p.Data("iris", "data/iris.csv");

        var profile = p.Code("profile", ctx => DataProfile.Log(ctx, ctx.Input(data))).Inputs(data);

        var train = p.Train("train", t => t.Command("dotnet", "run", "--project", "Trainer", "--",
                "--data", data, "--model", t.Outputs.Model, "--predictions", t.Outputs.File("predictions"),
                "--epochs", p.Param(nameof(Epochs)), "--learning-rate", p.Param(nameof(LearningRate))))
            .Environment("dotnet-10").Compute("local").Retry(1).Timeout(TimeSpan.FromMinutes(10));

        var package = p.Code("package", ctx => ScorerPackaging.Package(ctx, ctx.Input(train.Model)))
            .Inputs(train.Model);
        var packaged = package.Outputs.Model("model");

        var evaluate = p.Evaluate("evaluate", packaged, data)
            .Predictions(train.Outputs.File("predictions"))
            .Require("accuracy", ">=", MinAccuracy)
            .After(profile);

        // Registering identical model files again is reused from the cache instead of minting a new version.
        var register = p.Register("register", packaged, name: "iris").Alias("challenger").When(evaluate.Passed).AllowReuse();

        var compare = p.Evaluate("compare", packaged, data)
            .Predictions(train.Outputs.File("predictions"))
            .BetterThan("iris@champion", "accuracy")
            .AllowReuse(false)
            .After(register);

        var promote = p.Promote("promote", register, alias: "champion").When(compare.Passed);

        var image = p.Image("image", register);

        var deploy = p.Deploy("deploy", image, endpoint: "iris", deployment: "blue", traffic: 100)
            .SmokeTest(Sample).Target("local");

        p.Code("invoke", ctx => ctx.InvokeEndpointAsync("iris", Sample)).After(deploy).AllowReuse(false);
    }
}
