using MlPipelines.Compute.Slurm;

namespace MlPipelines.Compute.Tests.Slurm;

/// <summary>The Slurm target's logic against scripted scheduler answers (no cluster needed).</summary>
public sealed class SlurmTargetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlp-slurm-unit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SlurmTarget Target(ScriptedCommands commands) =>
        new(new SlurmOptions("hpc", Path.Combine(_dir, "shared")) { PollInterval = TimeSpan.FromMilliseconds(10), LogPollInterval = TimeSpan.FromMilliseconds(10) }, commands);

    private ComputeJob Job => new("true", []) { WorkingDirectory = _dir, Name = "run-1" };

    [Theory]
    [InlineData("OUT_OF_MEMORY", "Slurm job 7 ended OUT_OF_MEMORY")]
    [InlineData("NODE_FAIL", "Slurm job 7 ended NODE_FAIL")]
    [InlineData("CANCELLED by 0", "Slurm job 7 ended CANCELLED")]
    public async Task EndedWithoutExitFile_FailsWithSlurmsState(string state, string detail)
    {
        var commands = new ScriptedCommands("7", ["PENDING", "RUNNING", state]);
        var result = await Target(commands).RunAsync(Job, ComputeObserver.None, CancellationToken.None);
        Assert.False(result.Succeeded);
        Assert.Equal(-1, result.ExitCode);
        Assert.Equal(detail, result.Detail);
        Assert.Contains(detail, result.Reason());
    }

    [Fact]
    public async Task Timeout_StateFromSlurm_IsTimedOut()
    {
        var result = await Target(new ScriptedCommands("7", ["RUNNING", "TIMEOUT"])).RunAsync(Job, ComputeObserver.None, CancellationToken.None);
        Assert.True(result.TimedOut);
    }

    [Fact]
    public async Task PreemptedAndRequeued_KeepWaiting_ThenRunToTheEnd()
    {
        var waits = new List<string>();
        var started = 0;
        var commands = new ScriptedCommands("7", ["PENDING", "RUNNING", "PREEMPTED", "REQUEUED", "PENDING", "RUNNING", "COMPLETED"]) { WriteExitCode = 0 };
        var result = await Target(commands).RunAsync(Job, new ComputeObserver { OnWaiting = waits.Add, OnStarted = _ => started++ }, CancellationToken.None);
        Assert.True(result.Succeeded, result.Reason());
        Assert.Equal(1, started);
        Assert.Equal(["PENDING: Resources", "PREEMPTED: Resources", "REQUEUED: Resources", "PENDING: Resources"], waits);
    }

    [Fact]
    public async Task Cancel_WhilePending_Scancels_AndWaitsForTheEnd()
    {
        using var cts = new CancellationTokenSource();
        var commands = new ScriptedCommands("7", ["PENDING"]) { OnCancel = c => c.Then("CANCELLED") };
        var run = Target(commands).RunAsync(Job, new ComputeObserver { OnWaiting = _ => cts.Cancel() }, cts.Token);
        var result = await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(result.Canceled);
        Assert.Equal(["7"], commands.Cancelled);
        Assert.Null(result.Detail);
    }

    [Fact]
    public void StagingFolder_WithSpace_RefusedNamingIt()
    {
        var e = Assert.Throws<Core.Errors.MlpException>(() => new SlurmTarget(new SlurmOptions("hpc", "/tmp/a b")));
        Assert.Contains("'/tmp/a b'", e.Message);
    }

    /// <summary>Answers state polls with the scripted states, each for three polls so that none is missed (the last one repeats).</summary>
    private sealed class ScriptedCommands(string jobId, IReadOnlyList<string> states) : ISlurmCommands
    {
        private readonly Queue<string> _states = new(states.SelectMany(s => new[] { s, s, s }));
        private string _current = states[0];
        private string? _jobDir;

        public int? WriteExitCode { get; init; }
        public Action<ScriptedCommands>? OnCancel { get; init; }
        public List<string> Cancelled { get; } = [];

        public void Then(string state) { lock (this) _states.Enqueue(state); }


        public Task<string> SubmitAsync(string scriptPath, CancellationToken cancellationToken)
        {
            _jobDir = Path.GetDirectoryName(scriptPath);
            return Task.FromResult(jobId);
        }

        public Task<IReadOnlyList<SlurmJobInfo>> StatesAsync(IReadOnlyCollection<string> jobIds, CancellationToken cancellationToken)
        {
            lock (this)
            {
                if (_states.Count > 0) _current = _states.Dequeue();
                if (SlurmJobState.Phase(_current) == SlurmPhase.Ended && WriteExitCode is { } code)
                    File.WriteAllText(Path.Combine(_jobDir!, SlurmBatchScript.ExitCodeFile), code + "\n");
                var waiting = SlurmJobState.Phase(_current) == SlurmPhase.Waiting;
                return Task.FromResult<IReadOnlyList<SlurmJobInfo>>([new SlurmJobInfo(jobId, _current, waiting ? "Resources" : null, waiting ? null : "node1")]);
            }
        }

        public Task CancelAsync(string id, CancellationToken cancellationToken)
        {
            Cancelled.Add(id);
            OnCancel?.Invoke(this);
            return Task.CompletedTask;
        }
    }
}
