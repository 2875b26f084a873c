using MlPipelines.Core.Compute;
using MlPipelines.Core.Environments;
using MlPipelines.Endpoints.Daemon;
using MlPipelines.Workspace;

namespace MlPipelines.Examples.Tests;

/// <summary>
/// The Diabetes example with its two training steps on a registered compute target: the CI cluster's Slurm, and a
/// docker target running them in a user-managed environment image (Debian's scikit-learn, made by .ci/services/docker.sh).
/// </summary>
public class DiabetesOnClusterTests
{
    private static string Program()
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Support.Pipelines("Diabetes", "bin", tfm.Parent!.Name, tfm.Name, "Diabetes.Pipeline.dll");
    }

    private static string SklearnImage => Environment.GetEnvironmentVariable("MLP_TEST_SKLEARN_IMAGE") is { Length: > 0 } i ? i : "mlp-local/python-sklearn:3.11";

    [RequiresSlurmAndSklearnFact]
    public void Diabetes_TrainingStepsOnSlurm_RunAsJobsAndLogThroughMlflow()
    {
        using var tmp = new TempDir();
        using (var ws = LocalWorkspace.Init(tmp.Path))
            ws.Computes.Create(new ComputeTargetDefinition
            {
                Name = "ci-slurm", Kind = "slurm", CreatedAt = DateTimeOffset.UtcNow,
                Options = new Dictionary<string, string> { ["staging"] = RequiresSlurmFactAttribute.SharedFolder, ["poll-seconds"] = "1" },
            });
        try
        {
            var r = Run(tmp.Path, "--param", "Compute=ci-slurm", "--param", $"Python={SklearnPython.Path}");
            Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
            using var ws = LocalWorkspace.Open(tmp.Path);
            foreach (var step in TrainSteps(ws))
            {
                var log = Log(ws, step.Id);
                Assert.Matches(@"Slurm job \d+ submitted to target 'ci-slurm'", log);
                Assert.Single(ws.Runs.GetMetrics(step.Id, "train_rmse")); // logged with MLflow's REST API from the job
            }
            Assert.Contains("[register] registered model diabetes:1", r.Stdout);
        }
        finally { StopEndpoints(tmp.Path); }
    }

    [RequiresSklearnImageFact]
    public void Diabetes_TrainingStepsOnDocker_RunInTheEnvironmentImageAndLeaveNoContainer()
    {
        using var tmp = new TempDir();
        using (var ws = LocalWorkspace.Init(tmp.Path))
        {
            ws.Computes.Create(new ComputeTargetDefinition { Name = "ci-docker", Kind = "docker", CreatedAt = DateTimeOffset.UtcNow });
            var definition = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["image"] = SklearnImage };
            ws.Environments.Save(new EnvironmentRecord
            {
                Hash = EnvironmentSpec.DefinitionHash(EnvironmentSpec.UserManaged, definition), Name = "sklearn-offline", Kind = EnvironmentSpec.UserManaged,
                Definition = definition, Image = SklearnImage, State = "defined", CreatedAt = DateTimeOffset.UtcNow,
            });
        }
        try
        {
            var r = Run(tmp.Path, "--param", "Compute=ci-docker", "--param", "TrainEnvironment=sklearn-offline", "--param", "Python=/usr/bin/python3");
            Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
            using var ws = LocalWorkspace.Open(tmp.Path);
            foreach (var step in TrainSteps(ws))
            {
                Assert.Contains($"started from {SklearnImage}", Log(ws, step.Id));
                Assert.Single(ws.Runs.GetMetrics(step.Id, "train_rmse"));
                Assert.StartsWith("sklearn-offline@", step.Tags["mlp.environment"]);
            }
            var containers = Support.Run("docker", ["ps", "-a", "-q", "--filter", "label=io.mlpipelines.compute-target=ci-docker"]);
            Assert.Equal("", containers.Stdout.Trim());
        }
        finally { StopEndpoints(tmp.Path); }
    }

    private static Support.ProcessResult Run(string workspace, params string[] extra) =>
        Support.Run("dotnet", [Program(), "run", "--workspace", workspace, .. extra], workingDir: workspace,
            env: new Dictionary<string, string> { ["CI"] = "true" }, timeoutMs: 600_000);

    private static List<Core.Runs.RunInfo> TrainSteps(LocalWorkspace ws)
    {
        var steps = ws.Runs.QueryRuns(new Core.Runs.RunQuery { Max = 1000 }).Where(r => r.Kind == "step" && r.DisplayName is "train-ridge" or "train-gbr").ToList();
        Assert.Equal(2, steps.Count);
        Assert.All(steps, s => Assert.Equal(Core.Runs.RunStatus.Completed, s.Status));
        return steps;
    }

    private static string Log(LocalWorkspace ws, string runId) => string.Join("\n", ws.Runs.GetLogs(runId).Select(l => l.Text));

    private static void StopEndpoints(string workspace)
    {
        using var ws = LocalWorkspace.Open(workspace);
        new DaemonClient(ws.ScratchDirectory).StopAsync(CancellationToken.None).GetAwaiter().GetResult();
    }
}

/// <summary>A fact skipped, with the reason shown, unless the engine at DOCKER_HOST has the scikit-learn image .ci/services/docker.sh makes.</summary>
public sealed class RequiresSklearnImageFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Missing = new(() =>
    {
        var image = Environment.GetEnvironmentVariable("MLP_TEST_SKLEARN_IMAGE") is { Length: > 0 } i ? i : "mlp-local/python-sklearn:3.11";
        try
        {
            var r = Support.Run("docker", ["image", "inspect", "--format", "{{.Id}}", image], timeoutMs: 15_000);
            return r.ExitCode == 0 ? null : $"no Docker engine at DOCKER_HOST with image '{image}' (made by `bash .ci/services/docker.sh start`): {r.Stderr.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return "the docker CLI is not on PATH: " + e.Message;
        }
    });

    public RequiresSklearnImageFactAttribute()
    {
        if (Missing.Value is { } reason) Skip = reason;
    }
}

/// <summary>A fact skipped, with the reason shown, unless the Slurm cluster and a Python with scikit-learn are present.</summary>
public sealed class RequiresSlurmAndSklearnFactAttribute : FactAttribute
{
    public RequiresSlurmAndSklearnFactAttribute()
    {
        Skip = new RequiresSlurmFactAttribute().Skip ?? (SklearnPython.Path is null ? SklearnPython.Reason : null);
    }
}
