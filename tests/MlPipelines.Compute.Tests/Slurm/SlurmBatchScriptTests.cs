using MlPipelines.Compute.Slurm;

namespace MlPipelines.Compute.Tests.Slurm;

public sealed class SlurmBatchScriptTests
{
    private static readonly SlurmOptions Options = new("hpc", "/shared/mlp")
    {
        Partition = "gpu", Account = "ml-team", Qos = "normal", Cpus = 2, MemoryMb = 1024, ExtraDirectives = ["--constraint=avx512"],
    };

    [Fact]
    public void Render_ResourcesFromJobOverTarget_DirectivesInOrder_ValuesQuoted()
    {
        var job = new ComputeJob("python3", ["train.py", "--name", "it's"]) { Name = "run-abc", Timeout = TimeSpan.FromMinutes(90.5), Resources = new ComputeResources(Cpus: 8, Gpus: 1) };
        var script = SlurmBatchScript.Render(job, "/usr/bin/python3", Options, "/shared/mlp/run-abc-1", "/shared/mlp/run-abc-1/work",
            new Dictionary<string, string?> { ["MLP_RUN_ID"] = "run-abc", ["B_VAR"] = "a b", ["GONE"] = null });
        var lines = script.Split('\n');
        Assert.Equal("#!/bin/bash", lines[0]);
        Assert.Equal([
            "--job-name=run-abc", "--output=/shared/mlp/run-abc-1/stdout.log", "--error=/shared/mlp/run-abc-1/stderr.log", "--nodes=1", "--ntasks=1",
            "--cpus-per-task=8", "--mem=1024M", "--gres=gpu:1", "--time=01:30:30", "--partition=gpu", "--account=ml-team", "--qos=normal", "--constraint=avx512",
        ], lines.Where(l => l.StartsWith("#SBATCH ", StringComparison.Ordinal)).Select(l => l["#SBATCH ".Length..]));
        Assert.Contains("cd '/shared/mlp/run-abc-1/work' || exit 97", lines);
        Assert.Contains("export B_VAR='a b'", lines);
        Assert.Contains("unset GONE", lines);
        Assert.Contains("'/usr/bin/python3' 'train.py' '--name' 'it'\\''s' </dev/null", lines);
        Assert.Contains("printf '%s\\n' \"$code\" > '/shared/mlp/run-abc-1/exit_code'.tmp && mv -f '/shared/mlp/run-abc-1/exit_code'.tmp '/shared/mlp/run-abc-1/exit_code'", lines);
    }

    [Theory]
    [InlineData(0.2, "00:00:01")]
    [InlineData(59.1, "00:01:00")]
    [InlineData(3 * 86400 + 3661, "3-01:01:01")]
    public void TimeLimit_RoundsUpToSeconds(double seconds, string expected) =>
        Assert.Equal(expected, SlurmBatchScript.TimeLimit(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Render_LineBreakInAnOption_Refused() =>
        Assert.Throws<ArgumentException>(() => SlurmBatchScript.Render(new ComputeJob("true", []), "/bin/true", Options with { Partition = "a\nrm -rf /" }, "/j", "/w", new Dictionary<string, string?>()));

    [Theory]
    [InlineData("PENDING", SlurmPhase.Waiting)]
    [InlineData("REQUEUED", SlurmPhase.Waiting)]
    [InlineData("PREEMPTED", SlurmPhase.Waiting)]
    [InlineData("RUNNING", SlurmPhase.Running)]
    [InlineData("COMPLETING", SlurmPhase.Running)]
    [InlineData("COMPLETED", SlurmPhase.Ended)]
    [InlineData("CANCELLED by 0", SlurmPhase.Ended)]
    [InlineData("OUT_OF_MEMORY", SlurmPhase.Ended)]
    [InlineData("NODE_FAIL", SlurmPhase.Ended)]
    [InlineData("TIMEOUT", SlurmPhase.Ended)]
    public void Phase_OfSlurmStates(string state, SlurmPhase phase) => Assert.Equal(phase, SlurmJobState.Phase(state));
}
