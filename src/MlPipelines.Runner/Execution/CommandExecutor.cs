using MlPipelines.Compute;
using MlPipelines.Core.Errors;
using MlPipelines.Pipelines.Plan;

namespace MlPipelines.Runner.Execution;

/// <summary>Runs <c>command</c> and <c>train</c> steps as processes on their compute target.</summary>
public sealed class CommandExecutor(ComputeTargetRegistry computes, IStepEnvironments? environments = null) : StepExecutor<ProcessPlanStep>
{
    /// <inheritdoc />
    protected override Task<StepResult> ExecuteAsync(StepContext context, ProcessPlanStep step) =>
        RunAsync(context, step.Command, step.Compute, computes, environments);

    /// <summary>Renders <paramref name="template"/> and runs it on <paramref name="compute"/>, its output going to the step's log.</summary>
    public static async Task<StepResult> RunAsync(StepContext ctx, IReadOnlyList<string> template, string? compute, ComputeTargetRegistry computes,
        IStepEnvironments? environments = null)
    {
        var rendered = template.Select(ctx.Render).ToList();
        var target = computes.Get(compute ?? "local");
        var image = await ImageForAsync(ctx, target, environments ?? StepEnvironments.Declared).ConfigureAwait(false);
        var environment = EnvironmentFor(ctx);
        var job = new ComputeJob(rendered[0], rendered.Skip(1).ToList())
        {
            WorkingDirectory = ctx.BaseDirectory,
            Environment = environment,
            KillGracePeriod = ctx.KillGracePeriod,
            Name = ctx.RunId,
            OutputDirectory = ctx.OutputDirectory,
            Timeout = ctx.Step.Timeout,
            Resources = ctx.Step.Resources is { } r ? new ComputeResources(r.Cpus, r.MemoryMb, r.Gpus) : ComputeResources.None,
            Image = image,
            ReadOnlyPaths = ReadOnlyPathsFor(ctx, environment),
        };
        ctx.Log.Info($"$ {job}");
        var queued = false;
        var result = await target.RunAsync(job, new ComputeObserver
        {
            OnWaiting = why =>
            {
                ctx.Log.Info($"waiting on compute '{target.Name}': {why}");
                if (queued) return;
                queued = true;
                ctx.Workspace.Runs.SetStatus(ctx.RunId, Core.Runs.RunStatus.Queued, why);
            },
            OnStarted = s =>
            {
                if (queued) ctx.Workspace.Runs.SetStatus(ctx.RunId, Core.Runs.RunStatus.Running);
                ctx.Workspace.Runs.SetProcess(ctx.RunId, s.ProcessId, s.Host);
            },
            OnOutput = line => ctx.Log.Write(line.Stream, line.Text, line.Timestamp, line.InvalidUtf8),
        }, ctx.CancellationToken).ConfigureAwait(false);
        return result.Succeeded ? StepResult.Success : StepResult.Failure(result.Reason());
    }

    /// <summary>
    /// The image of the step's environment when its target runs images (built once per environment version); on a
    /// process target an environment that names an image cannot apply, and the step's log says so.
    /// </summary>
    internal static async Task<string?> ImageForAsync(StepContext ctx, IComputeTarget target, IStepEnvironments environments)
    {
        var environment = ctx.Step.Environment is { } name ? ctx.Plan.Environments.FirstOrDefault(e => e.Name == name) : null;
        if (!target.AppliesImage)
        {
            if (environment is not null)
                ctx.Log.Info($"warning: environment '{environment.Name}' cannot apply on compute '{target.Name}', which runs this machine's programs, not images; " +
                    "the step runs with the tools installed where it runs (use a docker or kubernetes target to run it in the environment's image)");
            return null;
        }
        if (environment is null)
            throw MlpException.Invalid($"Step '{ctx.Step.Name}' runs on compute '{target.Name}', which runs container images, but has no environment; give it one with .Environment(\"python-3.11\") or your own.");
        return await environments.ImageForAsync(environment, ctx.BaseDirectory, ctx.Log.Info, ctx.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Host paths a container job must see read-only at the same path: its inputs, and the files its variables name
    /// (the MLflow server's certificate of the loopback API).
    /// </summary>
    internal static IReadOnlyList<string> ReadOnlyPathsFor(StepContext ctx, IReadOnlyDictionary<string, string?> environment) =>
        ctx.Inputs.Values.Select(i => i.Path)
            .Append(environment.GetValueOrDefault("MLFLOW_TRACKING_SERVER_CERT_PATH"))
            .OfType<string>().Where(p => File.Exists(p) || Directory.Exists(p)).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The variables a step process gets (same names as <c>mlp run submit</c>).</summary>
    internal static Dictionary<string, string?> EnvironmentFor(StepContext ctx)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["MLP_RUN_ID"] = ctx.RunId,
            ["MLP_PARENT_RUN_ID"] = ctx.ParentRunId,
            ["MLP_EXPERIMENT"] = ctx.Experiment,
            ["MLP_OUTPUT_DIR"] = ctx.OutputDirectory,
            ["MLP_PIPELINE"] = ctx.Plan.Pipeline,
            ["MLP_STEP"] = ctx.Step.Name,
        };
        foreach (var (k, v) in ctx.Workspace.ProcessEnvironment(ctx.RunId)) env[k] = v; // MLP_WORKSPACE (+ a run-scoped token when remote)
        return env;
    }
}
