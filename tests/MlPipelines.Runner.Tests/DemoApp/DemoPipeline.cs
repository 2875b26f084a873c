using MlPipelines.Pipelines;

namespace MlPipelines.Runner.Tests.DemoApp;

/// <summary>Five steps (prep → featA ∥ featB → train → report) on data/raw.txt in the current folder.</summary>
public sealed class DemoPipeline : Pipeline
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
            "sleep 100 & echo $! > train.pid; wait_s=\"$3\"; sleep \"$wait_s\"; kill %1; cat \"$0\" \"$1\" > \"$2/model.txt\"",
            a.Outputs.File("a"), b.Outputs.File("b"), t.Outputs.Model, p.Param(nameof(TrainSeconds))));
        p.Command("report", "bash", "-c", "echo \"$0\"; cat \"$1/model.txt\"", p.Param(nameof(Greeting)), train.Model);
    }
}
