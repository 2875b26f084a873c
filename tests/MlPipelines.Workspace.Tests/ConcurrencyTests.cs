using MlPipelines.Workspace.Tests.Backends;
using MlPipelines.Core.Runs;

namespace MlPipelines.Workspace.Tests;

public abstract class ConcurrencyTests(WorkspaceBackend backend) : IDisposable
{
    public void Dispose() => backend.Dispose();

    /// <summary>8 writers, each with its own workspace instance (own connection, as a separate process would have).</summary>
    [WorkspaceFact]
    public void LogMetrics_EightWorkspaceInstancesAtOnce_LoseNothing()
    {
        backend.Open().Dispose();
        const int writers = 8, batches = 40, perBatch = 50;
        var runIds = new string[writers];
        Parallel.For(0, writers, new ParallelOptions { MaxDegreeOfParallelism = writers }, w =>
        {
            using var ws = backend.Open();
            var id = ws.Runs.CreateRun(new NewRun("conc") { Status = RunStatus.Running }).Id;
            runIds[w] = id;
            for (var b = 0; b < batches; b++)
            {
                var t = DateTimeOffset.UtcNow;
                ws.Runs.LogMetrics(id, Enumerable.Range(0, perBatch).Select(i => new MetricPoint("m", i, b * perBatch + i, t)).ToList());
                ws.Runs.SetTags(id, new Dictionary<string, string> { ["batch"] = b.ToString() });
            }
            ws.Runs.SetStatus(id, RunStatus.Completed);
        });
        using var check = backend.Open();
        foreach (var id in runIds)
        {
            Assert.Equal(batches * perBatch, check.Runs.GetMetrics(id, "m").Count);
            Assert.Equal(RunStatus.Completed, check.Runs.GetRun(id).Status);
        }
        Assert.Equal(writers, check.Stats().Runs);
    }
}
