using System.Diagnostics;
using MlPipelines.Pipelines;
using MlPipelines.Pipelines.Compiler;
using MlPipelines.Runner;
using MlPipelines.Workspace;

namespace MlPipelines.Bench.Runner;

/// <summary>
/// Issue 11: a step printing 1,000,000 <c>##mlp[metric]</c> lines completes in ≤ 1.5× the time the same process takes
/// to print them to /dev/null (the recorder keeps up with the process).
/// </summary>
internal static class StepMetricsBench
{
    internal const int Lines = 1_000_000;
    private const string Script = "import sys\nw = sys.stdout.write\nfor i in range(1000000):\n    w('##mlp[metric name=loss step=%d]%r\\n' % (i, 1.0 / (i + 1)))\n";

    internal static async Task RunAsync(string root)
    {
        var script = Path.Combine(root, "metrics.py");
        File.WriteAllText(script, Script);
        var bare = Stopwatch.StartNew();
        using (var p = Process.Start(new ProcessStartInfo("bash", ["-c", $"python3 '{script}' > /dev/null"]) { UseShellExecute = false })!)
            await p.WaitForExitAsync();
        var bareSeconds = bare.Elapsed.TotalSeconds;

        using var ws = LocalWorkspace.Init(Path.Combine(root, "step-metrics"));
        var compiled = PipelineCompiler.Compile(new MetricsPipeline(script));
        var sw = Stopwatch.StartNew();
        var result = await PipelineRunner.RunAsync(compiled, new PipelineRunOptions { Workspace = ws, BaseDirectory = root, SourceHash = "bench" });
        var stepSeconds = sw.Elapsed.TotalSeconds;
        var points = ws.Runs.GetMetrics(result["metrics"].RunId!, "loss").Count;
        var ratio = stepSeconds / bareSeconds;
        Console.WriteLine($"step printing {Lines:N0} ##mlp[metric] lines: {stepSeconds:0.00} s vs {bareSeconds:0.00} s to /dev/null = {ratio:0.00}x " +
                          $"({points:N0} points recorded, {result.Status}) (target <= 1.5x) {(ratio <= 1.5 && points == Lines ? "OK" : "MISSED")}");
    }

    private sealed class MetricsPipeline(string script) : Pipeline
    {
        protected override void Define(PipelineBuilder p) => p.Command("metrics", "python3", script);
    }
}
