using MlPipelines.Compute;
using MlPipelines.Core.Runs;
using MlPipelines.Pipelines;
using MlPipelines.Tracking.Processes;

namespace MlPipelines.Runner.Tests;

/// <summary>A pipeline step and <c>mlp run submit</c> record what a process prints through the same recorder, with the same rules.</summary>
public sealed class RecordingRulesTests : IDisposable
{
    private const string Lines = """
        echo '##mlp[param name=lr]0.1'
        echo '##mlp[tag name=team]vision'
        echo '##mlp[metric name=acc]0.5'
        echo '##mlp[metric name=acc]0.6'
        echo '##mlp[metric name=acc step=7]0.7'
        echo '##mlp[metric name=acc]0.8'
        echo '##mlp[metric name=loss step=2]Infinity'
        echo '##mlp[metric name=loss]1e999'
        echo '##mlp[metric name=my metric]1'
        echo '##mlp[metric name=acc]oops'
        printf '##mlp[tag name=enc]a\xffb\n'
        echo '##mlp[table name=cm][{"a":1}]'
        echo kept > kept.txt; echo '##mlp[output name=kept]kept.txt'
        printf '<svg/>' > "$MLP_OUTPUT_DIR/roc.svg"; echo '##mlp[image name=roc]roc.svg'
        echo '##mlp[output name=missing]nowhere.txt'
        echo plain line
        echo to stderr >&2
        """;

    private readonly RunnerFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task SameLines_StepAndRunSubmit_RecordTheSame()
    {
        var script = _f.File("lines.sh", Lines);
        var step = await _f.RunAsync(new ScriptPipeline(script));
        Assert.Equal(RunStatus.Completed, step.Status);
        var stepRun = step["lines"].RunId!;

        var submitted = _f.Workspace.Runs.CreateRun(new NewRun("exp", "submitted"));
        var result = await TrackedCommand.RunAsync(_f.Workspace, new LocalProcessTarget(), new TrackedCommandRequest
        {
            RunId = submitted.Id,
            Job = new ComputeJob("bash", [script]) { WorkingDirectory = _f.Dir },
            OutputDirectory = Path.Combine(_f.Dir, "submit-out"),
        }, null, CancellationToken.None);
        Assert.Equal(5, result.Warnings.Count);

        var (a, b) = (Records(stepRun), Records(submitted.Id));
        Assert.Equal(b.Params, a.Params);
        Assert.Equal(b.Tags, a.Tags);
        Assert.Equal(b.Metrics, a.Metrics);
        Assert.Equal(b.Tables, a.Tables);
        Assert.Equal(b.Images, a.Images);
        Assert.Equal(b.Outputs, a.Outputs);
        Assert.Equal(b.Stdout, a.Stdout);
        Assert.Equal(b.Stderr, a.Stderr);

        Assert.Equal([("acc", 0.5, 0L), ("acc", 0.6, 1L), ("acc", 0.7, 7L), ("acc", 0.8, 8L), ("loss", double.PositiveInfinity, 2L)], a.Metrics);
        Assert.Equal("kept.txt", a.Tags["mlp.output.kept"]);
        Assert.Equal(["kept.txt", "roc.svg"], a.Outputs.Select(o => o.Path));
        Assert.Equal(5, a.Stdout.Count(l => l.StartsWith("warning: ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task CodeStep_MlpOutputAndMetricLines_RecordedAndTagged()
    {
        var result = await _f.RunAsync(new InlinePipeline(p => p.Code("notes", ctx =>
        {
            File.WriteAllText(Path.Combine(ctx.OutputDirectory, "notes.txt"), "n");
            ctx.Log("##mlp[output name=notes]notes.txt");
            ctx.Log("##mlp[metric name=score]0.75");
        })));

        Assert.Equal(RunStatus.Completed, result.Status);
        var run = _f.Workspace.Runs.GetRun(result["notes"].RunId!);
        Assert.Equal("notes.txt", run.Tags["mlp.output.notes"]);
        Assert.Equal("notes.txt", Assert.Single(_f.Workspace.Runs.GetOutputs(run.Id)).Path);
        Assert.Equal(0.75, run.LatestMetrics["score"]);
    }

    [Fact]
    public async Task RetriedStep_NamedOutputOfAFailedAttempt_NotKept()
    {
        var counter = _f.File("attempts");
        var result = await _f.RunAsync(new InlinePipeline(p => p.Command("flaky", "bash", "-c",
                $"n=$(cat '{counter}' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '{counter}'; " +
                "if [ $n -eq 1 ]; then echo a > a.txt; echo '##mlp[output name=a]a.txt'; exit 1; fi; " +
                "echo b > b.txt; echo '##mlp[output name=b]b.txt'")
            .Retry(1, TimeSpan.FromMilliseconds(10))));

        Assert.Equal(RunStatus.Completed, result.Status);
        var run = _f.Workspace.Runs.GetRun(result["flaky"].RunId!);
        Assert.Equal(["mlp.output.b"], run.Tags.Keys.Where(k => k.StartsWith("mlp.output.", StringComparison.Ordinal)));
        Assert.Equal("b.txt", Assert.Single(_f.Workspace.Runs.GetOutputs(run.Id)).Path);
    }

    private RunRecords Records(string runId)
    {
        var runs = _f.Workspace.Runs;
        var info = runs.GetRun(runId);
        var logs = runs.GetLogs(runId);
        return new RunRecords(
            info.Params.OrderBy(p => p.Key).ToList(),
            info.Tags.Where(t => !t.Key.StartsWith("mlp.", StringComparison.Ordinal) || t.Key.StartsWith("mlp.output.", StringComparison.Ordinal))
                .ToDictionary(t => t.Key, t => t.Value),
            runs.GetMetrics(runId).Select(m => (m.Name, m.Value, m.Step)).ToList(),
            runs.GetTables(runId).Select(t => (t.Name, t.RowsJson)).ToList(),
            runs.GetImages(runId).Select(i => (i.Name, i.Path, i.Hash, i.MediaType)).ToList(),
            runs.GetOutputs(runId).OrderBy(o => o.Path, StringComparer.Ordinal).ToList(),
            // The step's log also has the runner's own lines ("$ bash …"); warnings and the process's lines are compared.
            logs.Where(l => l.Stream == LogStream.Stdout || (l.Stream == LogStream.System && l.Text.StartsWith("warning: ", StringComparison.Ordinal)))
                .Select(l => l.Text).ToList(),
            logs.Where(l => l.Stream == LogStream.Stderr).Select(l => l.Text).ToList());
    }

    private sealed record RunRecords(
        List<KeyValuePair<string, string>> Params, Dictionary<string, string> Tags, List<(string, double, long)> Metrics,
        List<(string, string)> Tables, List<(string, string, string, string)> Images, List<RunOutput> Outputs,
        List<string> Stdout, List<string> Stderr);

    private sealed class ScriptPipeline(string script) : Pipeline
    {
        protected override void Define(PipelineBuilder p) => p.Command("lines", "bash", script);
    }

    private sealed class InlinePipeline(Action<PipelineBuilder> define) : Pipeline
    {
        public override string Name => "inline";
        protected override void Define(PipelineBuilder p) => define(p);
    }
}
