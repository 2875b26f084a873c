using MlPipelines.Pipelines;

namespace MlPipelines.Images.Tests;

/// <summary>
/// train (copies the registered dataset 'pkg' — model.json, scorer.json, the SumScorer dll — to its model output) →
/// evaluate (a command logging accuracy = the Accuracy parameter, gate ≥ 0.9) → register 'sum' when passed → image.
/// </summary>
public sealed class ImagePipeline : Pipeline
{
    [Parameter("Accuracy the evaluation command reports")] public double Accuracy { get; init; } = 0.95;

    protected override void Define(PipelineBuilder p)
    {
        var pkg = p.Data("pkg");
        var train = p.Train("train", t => t.Command("bash", "-c", "cp -r \"$0\"/. \"$1\"/", pkg, t.Outputs.Model));
        var evaluate = p.Evaluate("evaluate", train.Model, pkg)
            .Command("bash", "-c", "echo \"##mlp[metric name=accuracy]$0\"", p.Param(nameof(Accuracy)))
            .Require("accuracy", ">=", 0.9);
        var register = p.Register("register", train.Model, name: "sum").When(evaluate.Passed);
        p.Image("image", register);
    }
}
