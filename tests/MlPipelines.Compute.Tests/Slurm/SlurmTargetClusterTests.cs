using System.Diagnostics;
using MlPipelines.Compute.Slurm;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Tests.Shared;

namespace MlPipelines.Compute.Tests.Slurm;

/// <summary>The Slurm target against the real single-node cluster that .ci/services/slurm.sh starts.</summary>
public sealed class SlurmTargetClusterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlp-slurm-test-").FullName; // not shared: the target copies it
    private readonly CountingCommands _commands = new(new SlurmCli());
    private readonly SlurmTarget _target;

    public SlurmTargetClusterTests() =>
        _target = new SlurmTarget(new SlurmOptions("hpc", RequiresSlurmFactAttribute.SharedFolder) { PollInterval = TimeSpan.FromMilliseconds(200), LogPollInterval = TimeSpan.FromMilliseconds(50) }, _commands);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private ComputeJob Bash(string script, string name = "run-test") => new("bash", ["-c", script]) { WorkingDirectory = _dir, Name = name + "-" + Guid.NewGuid().ToString("N")[..8] };

    [RequiresSlurmFact]
    public async Task Run_ExactExitCode_BothStreams_Environment_CopiedWorkingFolder_NoStagingLeft()
    {
        File.WriteAllText(Path.Combine(_dir, "input.txt"), "from the submit host\n");
        var lines = new List<OutputLine>();
        ComputeJobStarted? started = null;
        var job = Bash("cat input.txt; echo \"$MY_VAR\"; echo oops >&2; exit 42") with { Environment = new Dictionary<string, string?> { ["MY_VAR"] = "it's a value" } };
        var result = await _target.RunAsync(job, new ComputeObserver { OnOutput = lines.Add, OnStarted = s => started = s }, CancellationToken.None);

        Assert.Equal(42, result.ExitCode);
        Assert.Equal("exit code 42", result.Reason());
        Assert.Equal(["from the submit host", "it's a value"], lines.Where(l => l.Stream == LogStream.Stdout).Select(l => l.Text));
        Assert.Equal(["oops"], lines.Where(l => l.Stream == LogStream.Stderr).Select(l => l.Text));
        Assert.Contains(lines, l => l.Stream == LogStream.System && l.Text.Contains("submitted to target 'hpc'"));
        Assert.NotNull(started);
        Assert.Equal("localhost", started!.Host);
        Assert.Empty(Directory.EnumerateDirectories(RequiresSlurmFactAttribute.SharedFolder, job.Name + "-*"));
        Assert.Equal("FAILED", await JobState(started.JobId));
    }

    [RequiresSlurmFact]
    public async Task Run_Outputs_CopiedBackBeforeTheLineNamingThemIsHandedOn()
    {
        var outputs = Directory.CreateDirectory(Path.Combine(_dir, "..", Path.GetFileName(_dir) + "-out")).FullName;
        try
        {
            var seenAtLine = false;
            var job = Bash("echo weights > \"$MLP_OUTPUT_DIR/model.bin\"; echo '##mlp[output name=model]model.bin'; mkdir -p \"$MLP_OUTPUT_DIR/sub\"; echo x > \"$MLP_OUTPUT_DIR/sub/late.txt\"") with { OutputDirectory = outputs };
            var result = await _target.RunAsync(job, new ComputeObserver
            {
                OnOutput = l => { if (l.Text.StartsWith("##mlp[output", StringComparison.Ordinal)) seenAtLine = File.Exists(Path.Combine(outputs, "model.bin")); },
            }, CancellationToken.None);
            Assert.True(result.Succeeded, result.Reason());
            Assert.True(seenAtLine, "model.bin was not in the output folder when its ##mlp line was handed on");
            Assert.Equal("x\n", File.ReadAllText(Path.Combine(outputs, "sub", "late.txt")));
        }
        finally { Directory.Delete(outputs, recursive: true); }
    }

    [RequiresSlurmFact]
    public async Task Cancel_RunsScancel_JobEndsCancelled_NoProcessLeft()
    {
        using var cts = new CancellationTokenSource();
        var marker = "mlp-cancel-" + Guid.NewGuid().ToString("N")[..8];
        string? jobId = null;
        var job = Bash($"echo started; exec -a {marker} sleep 300");
        // The log can show the job's first line before a state poll sees it RUNNING, so the id comes from the submit line.
        var run = _target.RunAsync(job, new ComputeObserver
        {
            OnOutput = l =>
            {
                if (l.Stream == LogStream.System && l.Text.StartsWith("Slurm job ", StringComparison.Ordinal)) jobId ??= l.Text.Split(' ')[2];
                if (l.Text == "started") cts.Cancel();
            },
        }, cts.Token);
        var result = await run.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(result.Canceled);
        Assert.Equal("canceled", result.Reason());
        Assert.Equal("CANCELLED", await JobState(jobId!));
        Assert.False(ProcessRunning(marker), $"a process named {marker} is still running after cancel");
    }

    [RequiresSlurmFact]
    public async Task Timeout_CancelsTheJob_ResultSaysTimedOut()
    {
        var sw = Stopwatch.StartNew();
        var result = await _target.RunAsync(Bash("sleep 300") with { Timeout = TimeSpan.FromSeconds(2) }, ComputeObserver.None, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(result.TimedOut);
        Assert.False(result.Succeeded);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"took {sw.Elapsed}");
    }

    [RequiresSlurmFact]
    public async Task Submit_ImpossibleRequest_NamesSbatchAndItsReason()
    {
        var e = await Assert.ThrowsAsync<MlpException>(() => _target.RunAsync(Bash("true") with { Resources = new ComputeResources(Cpus: 512) }, ComputeObserver.None, CancellationToken.None));
        Assert.Contains("sbatch refused the job", e.Message);
    }

    [RequiresSlurmFact]
    public async Task ManyJobs_AtOnce_AllEnd_StatesPolledInBatches()
    {
        var jobs = Enumerable.Range(0, 6).Select(i => _target.RunAsync(Bash($"sleep 1; exit {i}"), ComputeObserver.None, CancellationToken.None)).ToList();
        var results = await Task.WhenAll(jobs).WaitAsync(TimeSpan.FromSeconds(120));
        Assert.Equal([0, 1, 2, 3, 4, 5], results.Select(r => r.ExitCode));
        Assert.True(_commands.MaxJobsInOnePoll > 1, $"each poll asked about at most {_commands.MaxJobsInOnePoll} job(s)");
    }

    [RequiresSlurmFact]
    public async Task BusyNode_SecondJobWaits_ObserverHearsWhy()
    {
        var cpus = Environment.ProcessorCount;
        using var cts = new CancellationTokenSource();
        var first = _target.RunAsync(Bash("sleep 4") with { Resources = new ComputeResources(Cpus: cpus) }, ComputeObserver.None, cts.Token);
        await Task.Delay(1000);
        var waits = new List<string>();
        var second = await _target.RunAsync(Bash("echo ran") with { Resources = new ComputeResources(Cpus: cpus) }, new ComputeObserver { OnWaiting = waits.Add }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(90));
        await first;
        Assert.True(second.Succeeded, second.Reason());
        Assert.Contains(waits, w => w.StartsWith("PENDING", StringComparison.Ordinal));
    }

    private static async Task<string> JobState(string jobId)
    {
        var info = await new SlurmCli().StatesAsync([jobId], CancellationToken.None);
        return SlurmJobState.Normalize(Assert.Single(info).State);
    }

    private static bool ProcessRunning(string name) =>
        Directory.EnumerateDirectories("/proc").Any(d => File.Exists(Path.Combine(d, "cmdline")) && SafeRead(Path.Combine(d, "cmdline")).StartsWith(name, StringComparison.Ordinal));

    private static string SafeRead(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }

    /// <summary>The real commands, counting how many jobs each state poll asks about.</summary>
    private sealed class CountingCommands(ISlurmCommands inner) : ISlurmCommands
    {
        public int MaxJobsInOnePoll { get; private set; }
        public Task<string> SubmitAsync(string scriptPath, CancellationToken cancellationToken) => inner.SubmitAsync(scriptPath, cancellationToken);
        public Task CancelAsync(string jobId, CancellationToken cancellationToken) => inner.CancelAsync(jobId, cancellationToken);
        public Task<IReadOnlyList<SlurmJobInfo>> StatesAsync(IReadOnlyCollection<string> jobIds, CancellationToken cancellationToken)
        {
            lock (this) MaxJobsInOnePoll = Math.Max(MaxJobsInOnePoll, jobIds.Count);
            return inner.StatesAsync(jobIds, cancellationToken);
        }
    }
}
