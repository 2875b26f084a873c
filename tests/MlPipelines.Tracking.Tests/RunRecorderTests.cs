using MlPipelines.Core.Errors;
using MlPipelines.Core.Recording;
using MlPipelines.Core.Runs;

namespace MlPipelines.Tracking.Tests;

/// <summary>The one recorder's rules, fed directly (no process): steps, timestamps, batching, warnings.</summary>
public class RunRecorderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    private static RunRecorder Recorder(TempWorkspace tmp, string runId, List<string>? warned = null) =>
        new(tmp.Workspace, runId, new RecorderOptions
        {
            OutputDirectory = Path.Combine(tmp.Root, "out"),
            WorkingDirectory = tmp.Root,
            OnWarning = w => { lock (warned ?? []) warned?.Add(w); },
        });

    [Fact]
    public void Record_MetricsWithoutStep_NextAfterTheLastStepOfThatMetric_LinesAndClientAlike()
    {
        using var tmp = new TempWorkspace();
        var run = tmp.Workspace.Runs.CreateRun(new NewRun("exp"));
        using (var recorder = Recorder(tmp, run.Id))
        {
            recorder.Record(LogStream.Stdout, T0, "##mlp[metric name=acc]0.1");       // 0: first point
            recorder.LogMetric("acc", 0.2, null, T0);                                  // 1
            recorder.Record(LogStream.Stdout, T0, "##mlp[metric name=acc step=10]0.3"); // 10: given
            recorder.LogMetric("acc", 0.4, 4, T0);                                     // 4: given, lower
            recorder.Record(LogStream.Stdout, T0, "##mlp[metric name=acc]0.5");       // 5: after the last one logged (4)
            recorder.Record(LogStream.Stdout, T0, "##mlp[metric name=loss]9");        // 0: each metric has its own series
            recorder.Record(LogStream.Stdout, T0, "##mlp[metric  name=\"acc\"]0.6");  // 6: a line the slow path reads
            recorder.Flush();
        }
        var acc = tmp.Workspace.Runs.GetMetrics(run.Id, "acc").OrderBy(p => p.Value).Select(p => p.Step);
        Assert.Equal([0L, 1L, 10L, 4L, 5L, 6L], acc);
        Assert.Equal(0, tmp.Workspace.Runs.GetMetrics(run.Id, "loss").Single().Step);
    }

    [Fact]
    public void Record_ProtocolLine_TimeOfTheLineIsTheTimeOfWhatItRecords()
    {
        using var tmp = new TempWorkspace();
        var run = tmp.Workspace.Runs.CreateRun(new NewRun("exp"));
        using (var recorder = Recorder(tmp, run.Id))
        {
            recorder.Record(LogStream.Stdout, T0, "##mlp[metric name=acc step=1]0.5");
            recorder.Record(LogStream.Stdout, T0.AddSeconds(5), "##mlp[table name=cm][{\"a\":1}]");
        }
        Assert.Equal(T0, tmp.Workspace.Runs.GetMetrics(run.Id, "acc").Single().Timestamp);
        Assert.Equal(T0.AddSeconds(5), tmp.Workspace.Runs.GetTables(run.Id).Single().Timestamp);
        Assert.Equal([T0, T0.AddSeconds(5)], tmp.Workspace.Runs.GetLogs(run.Id).Select(l => l.Timestamp));
    }

    [Fact]
    public void Record_ParamsTagsAndMetrics_WrittenInOneCallEachPerBatch()
    {
        using var tmp = new TempWorkspace();
        var counting = new CountingWorkspace(tmp.Workspace);
        var run = tmp.Workspace.Runs.CreateRun(new NewRun("exp"));
        using (var recorder = new RunRecorder(counting, run.Id, new RecorderOptions
               {
                   OutputDirectory = tmp.Root, WorkingDirectory = tmp.Root, FlushInterval = TimeSpan.FromMinutes(10),
               }))
        {
            for (var i = 0; i < 20; i++)
            {
                recorder.Record(LogStream.Stdout, T0, $"##mlp[param name=p{i}]{i}");
                recorder.Record(LogStream.Stdout, T0, $"##mlp[tag name=t{i}]{i}");
                recorder.LogParam($"c{i}", "x");
                recorder.Record(LogStream.Stdout, T0, $"##mlp[metric name=m]{i}");
            }
            recorder.Flush();
        }
        Assert.Equal((1, 1, 1, 1), (counting.Calls("LogParams"), counting.Calls("SetTags"), counting.Calls("LogMetrics"), counting.Calls("AppendLogs")));
        var info = tmp.Workspace.Runs.GetRun(run.Id);
        Assert.Equal(40, info.Params.Count);
        Assert.Equal("19", info.Tags["t19"]);
        Assert.Equal(20, tmp.Workspace.Runs.GetMetrics(run.Id, "m").Count);
    }

    [Fact]
    public void Record_ParamSetTwiceDifferently_WarnsAndKeepsTheFirst_ClientThrows()
    {
        using var tmp = new TempWorkspace();
        var run = tmp.Workspace.Runs.CreateRun(new NewRun("exp"));
        var warned = new List<string>();
        using (var recorder = Recorder(tmp, run.Id, warned))
        {
            recorder.Record(LogStream.Stdout, T0, "##mlp[param name=lr]0.1");
            recorder.Record(LogStream.Stdout, T0, "##mlp[param name=lr]0.1");
            recorder.Record(LogStream.Stdout, T0, "##mlp[param name=lr]0.2");
            Assert.Equal(ErrorKind.Conflict, Assert.Throws<MlpException>(() => recorder.LogParam("lr", "0.3")).Kind);
        }
        Assert.Equal("0.1", tmp.Workspace.Runs.GetRun(run.Id).Params["lr"]);
        Assert.Contains("Param 'lr' is already '0.1'", Assert.Single(warned));
    }

    [Theory]
    [InlineData("##mlp[metric name=acc]abc", false, "is not a number")]
    [InlineData("##mlp[metric name=loss]1e999", false, "too large for a 64-bit number")]
    [InlineData("##mlp[metric name=my metric]0.5", false, "must be quoted")]
    [InlineData("##mlp[tag name=t]a\uFFFDb", true, "not valid UTF-8")]
    [InlineData("##mlp[image name=roc]missing.png", false, "was not found in the output folder or the working folder")]
    public void Record_ProblemLine_KeptInLogWithASystemWarningAndReported(string line, bool invalidUtf8, string expected)
    {
        using var tmp = new TempWorkspace();
        var run = tmp.Workspace.Runs.CreateRun(new NewRun("exp"));
        var warned = new List<string>();
        using (var recorder = Recorder(tmp, run.Id, warned))
        {
            Assert.True(recorder.Record(LogStream.Stdout, T0, line, invalidUtf8));
            Assert.Contains(expected, Assert.Single(recorder.Warnings));
        }
        Assert.Contains(expected, Assert.Single(warned));
        var logs = tmp.Workspace.Runs.GetLogs(run.Id);
        Assert.Equal((LogStream.Stdout, line), (logs[0].Stream, logs[0].Text));
        Assert.Equal(LogStream.System, logs[1].Stream);
        Assert.StartsWith("warning: ", logs[1].Text);
        Assert.Contains(expected, logs[1].Text);
    }

    [Fact]
    public void LatestMetrics_ThePointLoggedLastPerMetric()
    {
        using var tmp = new TempWorkspace();
        var run = tmp.Workspace.Runs.CreateRun(new NewRun("exp"));
        using var recorder = Recorder(tmp, run.Id);
        recorder.Record(LogStream.Stdout, T0, "##mlp[metric name=acc step=5]0.9");
        recorder.Record(LogStream.Stdout, T0, "##mlp[metric name=acc step=1]0.7");
        recorder.LogMetric("f1", 0.5, null, T0);
        Assert.Equal(new Dictionary<string, double> { ["acc"] = 0.7, ["f1"] = 0.5 }, recorder.LatestMetrics);
    }

    [Fact]
    public void Record_HalfAMillionLines_AllWrittenInOrder()
    {
        using var tmp = new TempWorkspace();
        var run = tmp.Workspace.Runs.CreateRun(new NewRun("exp"));
        using (var recorder = Recorder(tmp, run.Id))
            for (var i = 0; i < 500_000; i++) recorder.Record(LogStream.Stdout, T0, i % 2 == 0 ? $"##mlp[metric name=x]{i}" : $"line {i}");
        var points = tmp.Workspace.Runs.GetMetrics(run.Id, "x");
        Assert.Equal(250_000, points.Count);
        Assert.Equal(Enumerable.Range(0, 250_000).Select(i => (long)i), points.Select(p => p.Step));
        var logs = tmp.Workspace.Runs.GetLogs(run.Id);
        Assert.Equal(500_000, logs.Count);
        Assert.Equal("line 499999", logs[^1].Text);
    }
}
