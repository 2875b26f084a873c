using MlPipelines.Core.Compute;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Workspace;

namespace MlPipelines.Runner.Tests;

/// <summary>Steps on compute targets registered in the workspace: the compiler sees them, the runner builds and limits them.</summary>
public sealed class RegisteredComputeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlp-compute-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private void Register(ComputeTargetDefinition target)
    {
        using var ws = LocalWorkspace.Open(_dir);
        ws.Computes.Create(target with { CreatedAt = DateTimeOffset.UtcNow });
    }

    [Fact]
    public async Task Run_UnknownCompute_ExitsTwoListingTheRegisteredTargets()
    {
        LocalWorkspace.Init(_dir).Dispose();
        Register(new ComputeTargetDefinition { Name = "box", Kind = "local" });
        await AppAsync("compile");

        var (code, output) = await AppAsync("run", "--base-dir", _dir, "--param", "Compute=nowhere");

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("Step 'a' uses unknown compute 'nowhere'; available: 'box', 'local'.", output);
    }

    [Fact]
    public async Task Run_RegisteredLocalTargetWithMaxConcurrentOne_StepsWaitForTheSlot()
    {
        LocalWorkspace.Init(_dir).Dispose();
        Register(new ComputeTargetDefinition { Name = "box", Kind = "local", MaxConcurrent = 1 });
        await AppAsync("compile");

        var (code, output) = await AppAsync("run", "--base-dir", _dir, "--param", "Compute=box");

        Assert.True(code == ExitCodes.Success, output);
        Assert.Contains("waiting on compute 'box': compute 'box' runs 1 job(s) at once; waiting for a slot", output);
        var steps = StepRuns();
        Assert.All(steps, s => Assert.Equal(RunStatus.Completed, s.Status));
        // One after the other: the waiting step's command printed its first line after the other's last.
        using var ws = LocalWorkspace.Open(_dir);
        var spans = steps.Select(s => ws.Runs.GetLogs(s.Id).Where(l => l.Stream == LogStream.Stdout).Select(l => l.Timestamp).ToList())
            .Select(t => (First: t.Min(), Last: t.Max())).OrderBy(t => t.First).ToList();
        Assert.True(spans[1].First >= spans[0].Last, $"{spans[0]} overlaps {spans[1]}");
    }

    [RequiresSlurmFact]
    public async Task Run_RegisteredSlurmTarget_StepsRunAsSlurmJobsNamedByTheirRun()
    {
        LocalWorkspace.Init(_dir).Dispose();
        Register(new ComputeTargetDefinition
        {
            Name = "hpc", Kind = "slurm",
            Options = new Dictionary<string, string> { ["staging"] = RequiresSlurmFactAttribute.SharedFolder, ["poll-seconds"] = "1" },
        });
        await AppAsync("compile");

        var (code, output) = await AppAsync("run", "--base-dir", _dir, "--param", "Compute=hpc");

        Assert.True(code == ExitCodes.Success, output);
        var steps = StepRuns();
        using var ws = LocalWorkspace.Open(_dir);
        Assert.Equal(2, steps.Count);
        foreach (var step in steps)
        {
            var log = string.Join("\n", ws.Runs.GetLogs(step.Id).Select(l => l.Text));
            var jobId = System.Text.RegularExpressions.Regex.Match(log, @"Slurm job (\d+) submitted to target 'hpc'").Groups[1].Value;
            Assert.True(jobId.Length > 0, log);
            Assert.Contains($"step {step.DisplayName} on ", log);
            // The job carries the step's run id as its name and the step's resources.
            var job = await ScontrolShowJob(jobId);
            Assert.Equal(step.Id, job["JobName"]);
            Assert.Equal("1", job["NumCPUs"]);
            Assert.Equal("100M", job["MinMemoryNode"]);
            var file = Assert.Single(ws.Runs.GetOutputs(step.Id));
            Assert.Equal(step.DisplayName + ".txt", file.Path);
            using var reader = new StreamReader(ws.Artifacts.OpenRead(file.Hash));
            Assert.Equal("done\n", reader.ReadToEnd());
        }
    }

    // The CI cluster keeps no accounting database; slurmctld remembers ended jobs for MinJobAge (300 s).
    private static async Task<Dictionary<string, string>> ScontrolShowJob(string jobId)
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("scontrol", ["show", "job", "-o", jobId]) { RedirectStandardOutput = true })!;
        var text = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return text.Trim().Split(' ').Select(f => f.Split('=', 2)).Where(kv => kv.Length == 2).GroupBy(kv => kv[0]).ToDictionary(g => g.Key, g => g.First()[1]);
    }

    private List<RunInfo> StepRuns()
    {
        using var ws = LocalWorkspace.Open(_dir);
        return ws.Runs.QueryRuns(new RunQuery()).Where(r => r.Kind != "pipeline").OrderBy(r => r.DisplayName).ToList();
    }

    private async Task<(int Code, string Output)> AppAsync(params string[] args)
    {
        var output = new StringWriter();
        var code = await PipelineApp.RunAsync<ComputePipeline>(args, new PipelineAppOptions { Out = output, Error = output, PlanDirectory = _dir, SourceDirectory = _dir });
        return (code, output.ToString());
    }
}
