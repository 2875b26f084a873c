using MlPipelines.Pipelines;

namespace TextFeaturesExample;

/// <summary>Five steps (prep → featA ∥ featB → train → report) on data/raw.txt (relative to the project, or to --base-dir).</summary>
public sealed class TextFeaturesPipeline : Pipeline
{
    [Parameter("Seconds the training step sleeps")] public double TrainSeconds { get; init; }
    [Parameter("Greeting printed by the report step")] public string Greeting { get; init; } = "hello";

    protected override void Define(PipelineBuilder p)
    {
        var raw = p.Data("raw", "data/raw.txt");
        var prep = p.Command("prep", c => c.Command("bash", "-c", "tr a-z A-Z < \"$0\" > \"$1\"", raw, c.Outputs.File("clean")));
        var a = p.Command("featA", c => c.Command("bash", "-c", "wc -c < \"$0\" > \"$1\"", prep.Outputs.File("clean"), c.Outputs.File("a")));
        var b = p.Command("featB", c => c.Command("bash", "-c", "rev < \"$0\" > \"$1\"", prep.Outputs.File("clean"), c.Outputs.File("b")));
        var train = p.Train("train", t => t.Command("bash", "-c",
            "sleep 100 & echo $! > train.pid; sleep \"$3\" || { kill %1; exit 3; }; kill %1; cat \"$0\" \"$1\" > \"$2/model.txt\"",
            a.Outputs.File("a"), b.Outputs.File("b"), t.Outputs.Model, p.Param(nameof(TrainSeconds))));
        p.Command("report", "bash", "-c", "echo \"$0\"; cat \"$1/model.txt\"", p.Param(nameof(Greeting)), train.Model);
    }
}
