using System.CommandLine;
using MlPipelines.Cli.Infrastructure;
using MlPipelines.CommandLine;
using MlPipelines.Compute;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Core.Runs;
using MlPipelines.Tracking.Processes;
using MlPipelines.Workspace.Snapshots;
using Spectre.Console;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp run submit --experiment NAME [--name N] [--source DIR] [--param k=v]… -- COMMAND [ARGS…]</c>.</summary>
internal static class RunSubmitCommand
{
    public static Command Build()
    {
        var experiment = new Option<string>("--experiment", "-e") { Description = "Experiment to record the run in (created on first use).", Required = true };
        var name = new Option<string?>("--name", "-n") { Description = "Display name of the run." };
        var source = new Option<string?>("--source") { Description = "Source folder snapshotted with the run and used as working folder (default: current folder)." };
        var param = new Option<string[]>("--param", "-p") { Description = "A parameter k=v recorded on the run (repeatable).", AllowMultipleArgumentsPerToken = false };
        var timeout = DurationOption.Create("--timeout", "Kill the command's process tree after this long");
        var compute = new Option<string?>("--compute") { Description = "Compute target to run on: 'local' (default) or one registered with 'mlp compute create'." };
        var environment = new Option<string?>("--environment") { Description = "Environment to run in on a container target (docker, kubernetes): a curated name or one recorded with 'mlp environment create'; built once per version." };
        var cpus = new Option<int?>("--cpus") { Description = "Cores the command asks of its target (Slurm --cpus-per-task, Docker --cpus)." };
        var memory = new Option<long?>("--memory-mb") { Description = "Memory in MiB the command asks of its target." };
        var gpus = new Option<int?>("--gpus") { Description = "GPUs the command asks of its target." };
        var command = new Argument<string[]>("command") { Description = "The command and its arguments (after --).", Arity = ArgumentArity.OneOrMore };
        return new Command("submit", "Run a command as a tracked run on a compute target (local by default): snapshot, live logs, ##mlp metrics, outputs.")
            .With(experiment, name, source, param, timeout, compute, environment, cpus, memory, gpus, command)
            .HandleAsync(async ctx =>
            {
                var argv = ctx.Get(command);
                var parameters = ParseParams(ctx.Get(param) ?? []);
                var sourceDir = Path.GetFullPath(ctx.Get(source) ?? Directory.GetCurrentDirectory());
                if (!Directory.Exists(sourceDir)) throw MlpException.Invalid($"Source folder '{sourceDir}' does not exist.");
                // An embedded workspace also serves its MLflow API on loopback while the command runs (MLFLOW_* in its environment).
                using var ws = Server.Hosting.LoopbackMlflowWorkspace.ForProcesses(ctx.OpenWorkspace(), CliOutput.Warn);
                var experimentName = Names.Validate("experiment", ctx.Get(experiment));
                var target = ComputeTargetFactory.Registry(ws, []).Get(ctx.Get(compute) ?? "local");
                string? image = null;
                if (ctx.Get(environment) is { } envName)
                {
                    if (!target.AppliesImage)
                        CliOutput.Warn($"environment '{envName}' cannot apply on compute '{target.Name}', which runs this machine's programs, not images; the command runs with the tools installed where it runs");
                    else
                    {
                        var (resolved, kind, definition) = EnvironmentCommands.Definition(ws, envName);
                        image = (await new Environments.EnvironmentService(ws).BuildAsync(resolved, kind, definition, sourceDir,
                            line => Console.Error.WriteLine(line), force: false, ctx.Cancellation)).Image;
                    }
                }
                else if (target.AppliesImage)
                    throw MlpException.Invalid($"Compute '{target.Name}' runs container images: give --environment NAME (a curated one such as 'python-3.11', or one from 'mlp environment create').");
                // Snapshot before the run exists, so an over-size source leaves no half-made run behind.
                var snapshot = SourceSnapshot.Create(sourceDir);
                foreach (var w in snapshot.Warnings) CliOutput.Warn(w);
                var run = ws.Runs.CreateRun(new NewRun(experimentName, ctx.Get(name) ?? Path.GetFileName(argv[0]), Kind: "run") { Params = parameters });
                ws.Runs.SetSnapshot(run.Id, ws.Artifacts.PutStream(new MemoryStream(snapshot.Zip)).Hash);
                var outputDir = Path.Combine(ws.ScratchDirectory, "outputs", run.Id);
                if (!ctx.Output.IsJson) Console.Error.WriteLine($"Run {run.Id} ({run.Experiment}) started: {string.Join(' ', argv)}");

                var job = new ComputeJob(argv[0], argv[1..])
                {
                    WorkingDirectory = sourceDir, Timeout = ctx.Get(timeout), Name = run.Id, OutputDirectory = outputDir,
                    Resources = new ComputeResources(ctx.Get(cpus), ctx.Get(memory), ctx.Get(gpus)),
                    Image = image,
                };
                await TrackedCommand.RunAsync(ws, target, new TrackedCommandRequest
                {
                    RunId = run.Id, Job = job, OutputDirectory = outputDir,
                }, line => Echo(line, ctx.Output.IsJson), ctx.Cancellation);

                var final = ws.Runs.GetRun(run.Id);
                if (ctx.Output.IsJson) ctx.Output.JsonValue(final);
                else Console.Error.WriteLine($"Run {final.Id} {final.Status}{(final.StatusReason is null ? "" : $" ({final.StatusReason})")} in {CliOutput.Format(final.Duration)}; {ws.Runs.GetOutputs(run.Id).Count} output(s).");
                return final.Status switch
                {
                    RunStatus.Completed => ExitCodes.Success,
                    RunStatus.Canceled => ExitCodes.Canceled,
                    _ => ExitCodes.Failed,
                };
            });
    }

    private static void Echo(OutputLine line, bool json)
    {
        // In JSON mode stdout carries only the final JSON document, so the command's output goes to stderr.
        var writer = json || line.Stream != LogStream.Stdout ? Console.Error : Console.Out;
        if (line.Stream == LogStream.System && !Console.IsErrorRedirected) Consoles.Error.MarkupLine("[yellow]" + Markup.Escape(line.Text) + "[/]");
        else writer.WriteLine(line.Text);
    }

    internal static Dictionary<string, string> ParseParams(IEnumerable<string> pairs)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0) throw MlpException.Invalid($"Invalid --param '{pair}': expected NAME=VALUE.");
            result[Names.ValidateKey("param", pair[..eq])] = pair[(eq + 1)..];
        }
        return result;
    }
}
