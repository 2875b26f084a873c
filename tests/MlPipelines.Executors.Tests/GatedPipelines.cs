using MlPipelines.Pipelines;

namespace MlPipelines.Executors.Tests;

/// <summary>
/// train (writes model.json and copies its data input, a predictions file, to its predictions output) → evaluate (built-in, threshold + champion gate)
/// → register 'iris' with alias challenger → promote champion; register and promote only when the gate passed.
/// </summary>
public sealed class GatedPipeline(string predictionsFile, double threshold) : Pipeline
{
    protected override void Define(PipelineBuilder p)
    {
        var data = p.Data("iris", predictionsFile);
        var train = p.Train("train", t => t.Command("bash", "-c",
            "echo '{\"w\": 1}' > \"$1/model.json\"; echo '{\"inputs\": []}' > \"$1/signature.json\"; cp \"$0\" \"$2\"; echo '##mlp[metric name=loss]0.1'",
            data, t.Outputs.Model, t.Outputs.File("predictions.csv")));
        var eval = p.Evaluate("evaluate", train.Model, data)
            .Predictions(train.Outputs.File("predictions.csv"))
            .Require("accuracy", ">=", threshold)
            .BetterThan("iris@champion", "accuracy");
        var reg = p.Register("register", train.Model, name: "iris").Alias("challenger").When(eval.Passed);
        p.Promote("promote", reg, "champion").When(eval.Passed);
    }
}

/// <summary>An evaluate step running a user command that logs its metrics; gated register.</summary>
public sealed class CommandEvaluationPipeline(string dataFile, double accuracy) : Pipeline
{
    protected override void Define(PipelineBuilder p)
    {
        var data = p.Data("d", dataFile);
        var train = p.Train("train", t => t.Command("bash", "-c", "echo w > \"$0/w.txt\"", t.Outputs.Model));
        var eval = p.Evaluate("evaluate", train.Model, data)
            .Command("bash", "-c", $"echo '##mlp[metric name=accuracy]{accuracy.ToString(System.Globalization.CultureInfo.InvariantCulture)}'; echo '##mlp[metric name=rmse]3'")
            .Require("accuracy", ">=", 0.9);
        p.Register("register", train.Model, name: "cmd").When(eval.Passed);
    }
}
