using MlPipelines.Pipelines;
using MlPipelines.Steps;

namespace DiabetesExample;

/// <summary>
/// Two scikit-learn variants trained in parallel (ridge regression and gradient boosting), both evaluated by the
/// built-in evaluator, the better one (lower RMSE) packaged with the Azure ML style <c>score.py</c>, registered,
/// imaged and deployed behind the endpoint 'diabetes', then invoked.
/// </summary>
public sealed class DiabetesPipeline : Pipeline
{
    [Parameter("Python interpreter with scikit-learn and joblib")]
    public string Python { get; init; } = "/usr/bin/python3";

    [Parameter("L2 penalty of the ridge variant")]
    public double Alpha { get; init; } = 0.1;

    [Parameter("Compute target of the training steps: local, or one registered with 'mlp compute create' (docker, slurm, kubernetes)")]
    public string Compute { get; init; } = "local";

    [Parameter("Environment of the training steps on container targets: sklearn-debian, or one registered with 'mlp environment create'")]
    public string TrainEnvironment { get; init; } = "sklearn-debian";

    [Parameter("Maximum RMSE a model may have to be registered")]
    public double MaxRmse { get; init; } = 70.0;

    private const string Sample = """{"data": [[0.038, 0.05, 0.062, 0.022, -0.044, -0.035, -0.043, -0.003, 0.02, -0.018]]}""";

    protected override void Define(PipelineBuilder p)
    {
        var python = p.Param(nameof(Python));
        p.Environment("sklearn-debian", image: "python:3.11-slim", packages: ["scikit-learn", "joblib"]);

        var ridge = p.Train("train-ridge", t => t.Command("env", python, "train.py", "--algorithm", "ridge", "--alpha", p.Param(nameof(Alpha)),
                "--model", t.Outputs.Model, "--predictions", t.Outputs.File("predictions")))
            .Environment(TrainEnvironment).Compute(Compute).Resources(cpus: 1).Timeout(TimeSpan.FromMinutes(10));
        var gbr = p.Train("train-gbr", t => t.Command("env", python, "train.py", "--algorithm", "gbr",
                "--model", t.Outputs.Model, "--predictions", t.Outputs.File("predictions")))
            .Environment(TrainEnvironment).Compute(Compute).Resources(cpus: 1).Timeout(TimeSpan.FromMinutes(10));

        var evalRidge = p.Evaluate("evaluate-ridge", ridge.Model, ridge.Outputs.File("predictions"))
            .Predictions(ridge.Outputs.File("predictions")).Require("rmse", "<=", MaxRmse);
        var evalGbr = p.Evaluate("evaluate-gbr", gbr.Model, gbr.Outputs.File("predictions"))
            .Predictions(gbr.Outputs.File("predictions")).Require("rmse", "<=", MaxRmse);

        var select = p.Code("select", ctx => BestModel.Select(ctx,
                [("ridge", ctx.Input(ridge.Model), ctx.Input(evalRidge.Metrics)), ("gbr", ctx.Input(gbr.Model), ctx.Input(evalGbr.Metrics))],
                Path.Combine(ctx.OutputDirectory, "model"), ctx.Parameter(nameof(Python))))
            .Inputs(ridge.Model, gbr.Model, evalRidge.Metrics, evalGbr.Metrics).Uses(python);
        var best = select.Outputs.Model("model");

        var register = p.Register("register", best, name: "diabetes").Alias("challenger").When(evalRidge.Passed).AllowReuse();
        var image = p.Image("image", register);
        var deploy = p.Deploy("deploy", image, endpoint: "diabetes", deployment: "blue").SmokeTest(Sample).Target("local");
        p.Code("invoke", ctx => ctx.InvokeEndpointAsync("diabetes", Sample)).After(deploy).AllowReuse(false);
    }
}
