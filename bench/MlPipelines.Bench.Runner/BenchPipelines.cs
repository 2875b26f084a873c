using MlPipelines.Pipelines;

namespace MlPipelines.Bench.Runner;

/// <summary>
/// No-op code steps in groups of 100: a root fans out to 14 chains of 7 steps that fan in to one step; each group's
/// root waits for the previous group's fan-in.
/// </summary>
internal sealed class GraphPipeline(int groups, string name) : Pipeline
{
    public override string Name => name;

    protected override void Define(PipelineBuilder p)
    {
        CodeStep? previous = null;
        for (var g = 0; g < groups; g++)
        {
            var root = p.Code($"g{g}-root", _ => { });
            if (previous is not null) root.After(previous);
            var ends = new List<Step>();
            for (var c = 0; c < 14; c++)
            {
                Step last = root;
                for (var i = 0; i < 7; i++) last = p.Code($"g{g}-c{c}-s{i}", _ => { }).After(last);
                ends.Add(last);
            }
            previous = p.Code($"g{g}-fanin", _ => { }).After([.. ends]);
        }
    }
}
