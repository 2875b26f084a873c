using MlPipelines.Cli.Tests.Registry;
using MlPipelines.Core.Runs;

namespace MlPipelines.Cli.Tests.Usage;

/// <summary><c>##mlp</c> lines that would silently change: <c>mlp run submit</c> warns on the console and in the run's log.</summary>
public sealed class MlpLineWarningTests : IDisposable
{
    private readonly CliWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private (CliResult Result, RunInfo Run, IReadOnlyList<string> Log) Submit(string printfFormat)
    {
        var r = _ws.Mlp("run", "submit", "-e", "edge", "--", "bash", "-c", $"printf '{printfFormat}'");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var ws = _ws.Open();
        var run = ws.Runs.QueryRuns(new RunQuery()).Single();
        var log = ws.Runs.GetLogs(run.Id).Select(l => l.Text).ToList();
        return (r, ws.Runs.GetRun(run.Id), log);
    }

    [Fact]
    public void Submit_MetricOverflowingToInfinity_WarnsAndStoresNothing()
    {
        var (r, run, log) = Submit(@"##mlp[metric name=loss]1e999\n");

        Assert.Contains("warning: Ignored malformed ##mlp line (metric 'loss' value '1e999' is too large", r.Stderr);
        Assert.Contains(log, l => l.StartsWith("warning: Ignored malformed ##mlp line (metric 'loss' value '1e999'", StringComparison.Ordinal));
        Assert.Empty(run.LatestMetrics);
    }

    [Fact]
    public void Submit_UnquotedNameWithSpace_WarnsToQuoteIt()
    {
        var (r, run, _) = Submit(@"##mlp[metric name=my metric]0.5\n");

        Assert.Contains("a name with spaces must be quoted: name=\"my metric\"", r.Stderr);
        Assert.Empty(run.LatestMetrics);
    }

    [Fact]
    public void Submit_InvalidUtf8_RecordedWithReplacementAndWarned()
    {
        var (r, run, log) = Submit(@"##mlp[tag name=team]vis\xffion\n");

        Assert.Contains("warning: ##mlp line is not valid UTF-8; the invalid bytes were replaced with U+FFFD", r.Stderr);
        Assert.Contains(log, l => l.StartsWith("warning: ##mlp line is not valid UTF-8", StringComparison.Ordinal));
        Assert.Equal("vis\uFFFDion", run.Tags["team"]);
    }
}
