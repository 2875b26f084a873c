using System.CommandLine;
using System.Runtime.InteropServices;
using MlPipelines.Core.Workspaces;
using MlPipelines.Executors;
using MlPipelines.Progress;
using MlPipelines.Runner;
using MlPipelines.Runner.Progress;
using Spectre.Console;

namespace MlPipelines.Hosting;

/// <summary><c>run</c>: compiles with the given parameters and executes the plan.</summary>
internal static class RunCommand
{
    public static Command Build(PipelineHost host)
    {
        var common = new CommonOptions();
        var maxParallel = new Option<int?>("--max-parallel") { Description = "Maximum steps running at once (default: processor count)." };
        var resume = new Option<string?>("--resume") { Description = "Id of an earlier pipeline run: its completed steps are reused, the rest runs." };
        var experiment = new Option<string?>("--experiment") { Description = "Experiment of the runs (default: the pipeline name)." };
        var failOnGate = new Option<bool>("--fail-on-gate") { Description = "A failed evaluation gate fails the run (exit 1) instead of skipping the steps it gates." };
        var allowStale = new Option<bool>("--allow-stale-plan") { Description = "Run the definition as it is when the committed plan is stale (recorded in the run's tags)." };
        var command = new Command("run", "Run the committed plan: parallel steps, cached results reused, every step recorded as a child run.") { maxParallel, resume, experiment, failOnGate, allowStale };
        foreach (var o in common.All) command.Options.Add(o);
        command.SetAction((parse, ct) => host.GuardAsync(async () =>
        {
            var baseDir = common.BaseDirectoryOf(parse, host);
            // The plan is checked first (against the compute targets of the workspace, when one exists), then the
            // workspace is opened or created; a bad --workspace is reported by the open.
            IWorkspace? found;
            try { found = host.TryOpenWorkspace(parse.GetValue(common.Workspace), baseDir); }
            catch (Core.Errors.MlpException) { found = null; }
            PlanToRun compiled;
            try { compiled = CommittedPlan.Resolve(host, common.Parameters(parse), parse.GetValue(allowStale), host.Catalog(found)); }
            catch { found?.Dispose(); throw; }
            // An embedded workspace also serves its MLflow API on loopback once a step process starts (MLFLOW_* in its environment).
            using var ws = Server.Hosting.LoopbackMlflowWorkspace.ForProcesses(found ?? host.OpenWorkspace(parse.GetValue(common.Workspace), createIfMissing: true, baseDir),
                w => host.Error.WriteLine("warning: " + w));
            var computeTargets = host.Catalog(ws).Targets;
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; cts.Cancel(); });
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
            var interactive = host.Options.Out is null && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is not ("true" or "1");
            var live = interactive ? new LiveTableProgress(AnsiConsole.Console) : null;
            var options = new PipelineRunOptions
            {
                Workspace = ws,
                Experiment = parse.GetValue(experiment),
                MaxParallel = parse.GetValue(maxParallel) ?? Environment.ProcessorCount,
                Force = parse.GetValue(common.Force),
                FailOnGate = parse.GetValue(failOnGate),
                ResumeRunId = parse.GetValue(resume),
                BaseDirectory = baseDir,
                SourceHash = host.SourceHash(ws, compiled.Plan, baseDir),
                CodeSteps = compiled.CodeSteps,
                Tags = compiled.Tags,
                ComputeTargets = computeTargets,
                Environments = Environments.EnvironmentService.ForRun(ws, baseDir),
                Executors = [.. DefaultExecutors.Create(computeTargets, parse.GetValue(failOnGate)), .. host.Options.Executors],
                Progress = (IRunProgress?)live ?? new PlainProgress(host.Out),
            };
            var result = live is null
                ? await PipelineRunner.RunAsync(compiled.Plan, options, cts.Token).ConfigureAwait(false)
                : await live.RunAsync(() => PipelineRunner.RunAsync(compiled.Plan, options, cts.Token)).ConfigureAwait(false);
            if (live is not null)
                foreach (var s in result.Steps.Where(s => s.Status is Core.Runs.RunStatus.Failed))
                    host.Error.WriteLine($"Step '{s.Name}' failed: {s.Reason} (logs: mlp run logs {s.RunId})");
            host.Out.WriteLine($"Run {result.RunId}: {result.Status.ToString().ToLowerInvariant()}.");
            return result.ExitCode;
        }));
        return command;
    }
}
