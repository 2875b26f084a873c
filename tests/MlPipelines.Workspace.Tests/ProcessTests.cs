using Microsoft.Data.Sqlite;
using MlPipelines.Core.Runs;

namespace MlPipelines.Workspace.Tests;

/// <summary>Real child processes writing to one workspace: kill -9 durability and concurrent writers.</summary>
public class ProcessTests
{
    [Fact]
    public void Kill9_WhileLogging_AcknowledgedMetricsKeptAndWorkspaceOpens()
    {
        using var dir = new TempDir();
        string runId;
        using (var ws = LocalWorkspace.Init(dir.Path)) runId = ws.Runs.CreateRun(new NewRun("durable") { Status = RunStatus.Running }).Id;
        using var child = ChildProcess.Start("log", dir.Path, runId, "200");
        long acked = 0;
        while (acked < 20_000)
        {
            var line = child.StandardOutput.ReadLine() ?? throw new InvalidOperationException("helper ended early: " + child.StandardError.ReadToEnd());
            if (line.StartsWith("ack ")) acked = long.Parse(line[4..]);
        }
        child.Kill(); // SIGKILL on Linux: no cleanup runs in the child
        child.WaitForExit();

        using var after = LocalWorkspace.Open(dir.Path);
        var points = after.Runs.GetMetrics(runId, "m");
        Assert.True(points.Count >= acked, $"{points.Count} points stored but {acked} were acknowledged");
        Assert.Equal(points.Count, points.Select(p => p.Step).Distinct().Count());
        using var c = new SqliteConnection($"Data Source={dir.Combine(".mlp", "workspace.db")};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", cmd.ExecuteScalar());
    }

    [Fact]
    public void EightProcesses_WritingAtOnce_LoseNothing()
    {
        using var dir = new TempDir();
        LocalWorkspace.Init(dir.Path).Dispose();
        const int processes = 8, batches = 25, size = 100;
        var outputs = Enumerable.Range(0, processes).AsParallel().WithDegreeOfParallelism(processes)
            .Select(_ => ChildProcess.Run("write", dir.Path, "many", batches.ToString(), size.ToString())).ToList();
        var runIds = outputs.Select(o => o.Trim().Split(' ')[1]).ToList();
        using var ws = LocalWorkspace.Open(dir.Path);
        Assert.Equal(processes, ws.Runs.QueryRuns(new RunQuery { Experiment = "many" }).Count);
        foreach (var id in runIds)
        {
            Assert.Equal(batches * size, ws.Runs.GetMetrics(id, "m").Count);
            Assert.Equal(batches, ws.Runs.GetLogs(id).Count);
            Assert.Equal(RunStatus.Completed, ws.Runs.GetRun(id).Status);
        }
    }

    [Fact]
    public void Register_SameNameFromTwoProcesses_DistinctVersions()
    {
        using var dir = new TempDir();
        LocalWorkspace.Init(dir.Combine("ws")).Dispose();
        dir.Write("model/w.bin", "weights");
        var outputs = Enumerable.Range(0, 2).AsParallel().WithDegreeOfParallelism(2)
            .Select(_ => ChildProcess.Run("register", dir.Combine("ws"), "race", dir.Combine("model"), "10")).ToList();
        var versions = outputs.SelectMany(o => o.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Select(l => int.Parse(l.Split(' ')[1])).ToList();
        Assert.Equal(Enumerable.Range(1, 20), versions.Order());
        using var ws = LocalWorkspace.Open(dir.Combine("ws"));
        Assert.Equal(20, ws.Models.Versions("race").Count);
    }
}
