using System.Diagnostics;
using MlPipelines.Compute.Slurm;
using MlPipelines.Core.Runs;
using MlPipelines.Tests.Shared;

namespace MlPipelines.Compute.Tests.Slurm;

/// <summary>Job arrays on the real single-node cluster: one submission, per-task logs, exit codes, outputs and stops.</summary>
public sealed class SlurmArrayClusterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlp-slurm-array-").FullName;
    private readonly SubmitCounting _commands = new(new SlurmCli());

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [RequiresSlurmFact]
    public async Task RunArray_EightTasksThreeAtOnce_OneSubmissionExactCodesOutputsAndAStoppedTask()
    {
        var target = new SlurmTarget(new SlurmOptions("hpc", RequiresSlurmFactAttribute.SharedFolder) { PollInterval = TimeSpan.FromMilliseconds(300), LogPollInterval = TimeSpan.FromMilliseconds(50) }, _commands);
        var name = "sweep-" + Guid.NewGuid().ToString("N")[..8];
        var jobs = Enumerable.Range(0, 8).Select(i =>
        {
            var outputs = Directory.CreateDirectory(Path.Combine(_dir, $"out-{i}")).FullName;
            var script = i == 5 ? "echo start; sleep 60" : $"echo trial {i} lr=$LR; echo {i} > \"$MLP_OUTPUT_DIR/model.txt\"; exit {i % 3}";
            return new ComputeJob("bash", ["-c", script])
            {
                WorkingDirectory = _dir, Name = name, OutputDirectory = outputs, Environment = new Dictionary<string, string?> { ["LR"] = $"0.{i}" },
                Resources = new ComputeResources(Cpus: 1),
            };
        }).ToList();
        var lines = jobs.Select(_ => new List<OutputLine>()).ToList();
        var observers = lines.Select(l => new ComputeObserver { OnOutput = l.Add }).ToList();
        using var stop5 = new CancellationTokenSource();
        observers[5] = new ComputeObserver { OnOutput = line => { lines[5].Add(line); if (line.Text == "start") stop5.Cancel(); } };
        var tokens = jobs.Select((_, i) => i == 5 ? stop5.Token : CancellationToken.None).ToList();

        var results = await target.RunArrayAsync(jobs, 3, observers, tokens, CancellationToken.None);

        Assert.Equal(1, _commands.Submits);
        for (var i = 0; i < 8; i++)
        {
            if (i == 5) continue;
            Assert.Equal(i % 3, results[i].ExitCode);
            Assert.Contains(lines[i], l => l.Stream == LogStream.Stdout && l.Text == $"trial {i} lr=0.{i}");
            Assert.Contains(lines[i], l => l.Stream == LogStream.System && l.Text.Contains($"_{i} submitted to target 'hpc' (task {i} of a 8-task array, 3 at once)"));
            Assert.Equal($"{i}\n", File.ReadAllText(Path.Combine(_dir, $"out-{i}", "model.txt")));
        }
        Assert.True(results[5].Canceled, results[5].Reason());
        Assert.Contains(lines[5], l => l.Text.Contains("stopped; running scancel"));
        Assert.Equal("", await Squeue(name));
        Assert.Empty(Directory.EnumerateDirectories(RequiresSlurmFactAttribute.SharedFolder, name + "-*"));
    }

    private static async Task<string> Squeue(string name)
    {
        using var p = Process.Start(new ProcessStartInfo("squeue", ["--noheader", "--states=PENDING,RUNNING", "--name=" + name]) { RedirectStandardOutput = true })!;
        var text = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return text.Trim();
    }

    private sealed class SubmitCounting(SlurmCli inner) : ISlurmCommands
    {
        public int Submits { get; private set; }
        public Task<string> SubmitAsync(string scriptPath, CancellationToken cancellationToken) { Submits++; return inner.SubmitAsync(scriptPath, cancellationToken); }
        public Task CancelAsync(string jobId, CancellationToken cancellationToken) => inner.CancelAsync(jobId, cancellationToken);
        public Task<IReadOnlyList<SlurmJobInfo>> StatesAsync(IReadOnlyCollection<string> jobIds, CancellationToken cancellationToken) => inner.StatesAsync(jobIds, cancellationToken);
        public Task<IReadOnlyDictionary<int, SlurmJobInfo>> ArrayTasksAsync(string arrayJobId, CancellationToken cancellationToken) => inner.ArrayTasksAsync(arrayJobId, cancellationToken);
    }
}
