using MlPipelines.Cli.Tests.Registry;
using MlPipelines.Core.Runs;

namespace MlPipelines.Cli.Tests.Compute;

public sealed class ComputeCommandsTests : IDisposable
{
    private readonly CliWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public void CreateListShowDelete_FlagsAndYaml_RoundTrip()
    {
        var created = _ws.Json("compute", "create", "hpc", "--type", "slurm", "--option", "staging=/shared/mlp", "--option", "partition=gpu", "--max-concurrent", "4");
        Assert.Equal("slurm", created.GetProperty("kind").GetString());
        Assert.Equal("gpu", created.GetProperty("options").GetProperty("partition").GetString());
        var yaml = _ws.Folder("cfg", ("docker.yml", """
            $schema: https://azuremlschemas.azureedge.net/latest/compute.schema.json
            name: box
            type: docker
            description: the build machine
            max_instances: 2
            memory_mb: 2048
            mounts:
              - /data
              - /models
            """));
        Assert.Equal(0, _ws.Mlp("compute", "create", "--file", Path.Combine(yaml, "docker.yml")).ExitCode);

        var list = _ws.Json("compute", "list");
        Assert.Equal(["local", "box", "hpc"], list.EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        var box = _ws.Json("compute", "show", "box");
        Assert.Equal(2, box.GetProperty("maxConcurrent").GetInt32());
        Assert.Equal("/data,/models", box.GetProperty("options").GetProperty("mounts").GetString());
        Assert.Equal("the build machine", box.GetProperty("description").GetString());
        var table = _ws.Mlp("compute", "list");
        Assert.Contains("partition=gpu", table.Stdout);

        Assert.Equal(0, _ws.Mlp("compute", "delete", "box").ExitCode);
        var gone = _ws.Mlp("compute", "show", "box");
        Assert.Equal(2, gone.ExitCode);
        Assert.Contains("'box'", gone.Stderr);
        Assert.Contains("'hpc'", gone.Stderr);
    }

    [Fact]
    public void Create_BadInput_ClearErrorsAndNothingRegistered()
    {
        var dir = _ws.Folder("cfg",
            ("unsupported.yml", "name: a\ntype: slurm\nstaging: /s\nsize: Standard_DS3_v2\nmin_instances: 0\n"),
            ("broken.yml", "name: [a\n"),
            ("notype.yml", "name: a\n"));
        (string[] Args, string Message)[] cases =
        [
            (["compute", "create", "hpc", "--type", "slurm"], "needs option 'staging'"),
            (["compute", "create", "hpc", "--type", "lsf"], "Unknown compute kind 'lsf'; expected one of 'docker', 'kubernetes', 'local', 'slurm'"),
            (["compute", "create", "hpc", "--type", "slurm", "--option", "staging=/s", "--option", "partiton=gpu"], "has no option 'partiton'"),
            (["compute", "create", "hpc", "--type", "slurm", "--option", "staging"], "--option 'staging' is not NAME=VALUE"),
            (["compute", "create", "local", "--type", "docker"], "'local' is the built-in process target"),
            (["compute", "create", "../x", "--type", "docker"], "compute target"),
            (["compute", "create", "--file", Path.Combine(dir, "unsupported.yml")], "'size' (line 4), 'min_instances' (line 5)"),
            (["compute", "create", "--file", Path.Combine(dir, "broken.yml")], "is not valid YAML (line 2"),
            (["compute", "create", "--file", Path.Combine(dir, "notype.yml")], "has no 'type'"),
            (["compute", "create", "--file", Path.Combine(dir, "missing.yml")], "does not exist"),
        ];
        foreach (var (args, message) in cases)
        {
            var r = _ws.Mlp(args);
            Assert.True(r.ExitCode == 2, $"{string.Join(' ', args)} exited {r.ExitCode}: {r.Stderr}");
            Assert.Contains(message, r.Stderr);
        }
        Assert.Single(_ws.Json("compute", "list").EnumerateArray());
    }

    [RequiresSlurmFact]
    public void RunSubmit_OnRegisteredSlurmTarget_RunsAsAJobNamedByTheRun()
    {
        Assert.Equal(0, _ws.Mlp("compute", "create", "hpc", "--type", "slurm", "--option", "staging=" + RequiresSlurmFactAttribute.SharedFolder, "--option", "poll-seconds=1").ExitCode);
        var src = _ws.Folder("src", ("train.sh", "echo \"job $SLURM_JOB_ID named $SLURM_JOB_NAME\"\necho '##mlp[metric name=acc]0.9'\necho model > \"$MLP_OUTPUT_DIR/model.txt\"\n"));

        var submitted = _ws.Mlp("run", "submit", "-e", "slurm-cli", "--compute", "hpc", "--cpus", "1", "--source", src, "--format", "json", "--", "sh", "train.sh");
        Assert.True(submitted.ExitCode == 0, submitted.Stderr);
        var run = System.Text.Json.JsonDocument.Parse(submitted.Stdout).RootElement;

        Assert.Equal("Completed", run.GetProperty("status").GetString());
        var id = run.GetProperty("id").GetString()!;
        using var ws = _ws.Open();
        var logs = ws.Runs.GetLogs(id).Select(l => l.Text).ToList();
        Assert.Contains(logs, l => l.EndsWith($"named {id}", StringComparison.Ordinal));
        Assert.Equal(0.9, Assert.Single(ws.Runs.GetMetrics(id, "acc")).Value);
        Assert.Equal("model.txt", Assert.Single(ws.Runs.GetOutputs(id)).Path);

        var unknown = _ws.Mlp("run", "submit", "-e", "slurm-cli", "--compute", "nowhere", "--", "true");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("'hpc', 'local'", unknown.Stderr);
    }

    [Fact]
    public void RunShow_SweepRun_ListsTrialsRankedByTheObjective()
    {
        string sweepId;
        using (var ws = _ws.Open())
        {
            var sweep = ws.Runs.CreateRun(new NewRun("tune", "tune") { Tags = new Dictionary<string, string> { ["mlp.sweep.objective"] = "rmse:minimize" } });
            sweepId = sweep.Id;
            foreach (var (lr, rmse) in new[] { ("0.1", 5.0), ("0.01", 2.0), ("0.001", 3.5) })
            {
                var t = ws.Runs.CreateRun(new NewRun("tune", "tune-" + lr, sweep.Id, "trial") { Params = new Dictionary<string, string> { ["lr"] = lr } });
                ws.Runs.LogMetrics(t.Id, [new MetricPoint("rmse", rmse, 0, DateTimeOffset.UtcNow)]);
            }
            ws.Runs.CreateRun(new NewRun("tune", "tune-broken", sweep.Id, "trial"));
        }

        var shown = _ws.Mlp("run", "show", sweepId);

        Assert.Equal(0, shown.ExitCode);
        var trials = shown.Stdout.Split('\n').Where(l => l.Contains("trial #")).ToList();
        Assert.Equal(4, trials.Count);
        Assert.Contains("rmse=2 lr=0.01", trials[0]);
        Assert.Contains("rmse=3.5 lr=0.001", trials[1]);
        Assert.Contains("rmse=5 lr=0.1", trials[2]);
        Assert.Contains("tune-broken", trials[3]);
    }
}
