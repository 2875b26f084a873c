using MlPipelines.Core.Errors;
using MlPipelines.Pipelines;
using MlPipelines.Pipelines.Plan;

namespace MlPipelines.Runner.Execution;

/// <summary>Runs <c>code</c> steps: each is bound by its <see cref="CodePlanStep.Code"/> name to a delegate of the pipeline assembly (supplied by the host).</summary>
public sealed class CodeExecutor(IReadOnlyDictionary<string, Func<CodeContext, Task>> bodies) : StepExecutor<CodePlanStep>
{
    /// <inheritdoc />
    protected override async Task<StepResult> ExecuteAsync(StepContext ctx, CodePlanStep step)
    {
        if (!bodies.TryGetValue(step.Code, out var body))
            throw MlpException.Invalid($"Code step '{ctx.Step.Name}' has no delegate; the host supplies code steps from the pipeline definition (known: {string.Join(", ", bodies.Keys.Select(k => $"'{k}'"))}).");
        try
        {
            await body(new RunnerCodeContext(ctx)).ConfigureAwait(false);
            return StepResult.Success;
        }
        catch (OperationCanceledException) when (ctx.CancellationToken.IsCancellationRequested)
        {
            return StepResult.Failure("canceled");
        }
        catch (MlpException e)
        {
            return Scheduling.Retries.IsRetryable(e) ? StepResult.Failure(e.Message) : StepResult.Permanent(e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ctx.Log.Write(Core.Runs.LogStream.Stderr, e.ToString());
            return StepResult.Failure($"{e.GetType().Name}: {e.Message}");
        }
    }

    private sealed class RunnerCodeContext(StepContext ctx) : CodeContext
    {
        public override string StepName => ctx.Step.Name;
        public override string RunId => ctx.RunId;
        public override string OutputDirectory => Directory.CreateDirectory(ctx.OutputDirectory).FullName;
        public override CancellationToken CancellationToken => ctx.CancellationToken;
        public override Core.Workspaces.IWorkspace Workspace => ctx.Workspace;

        public override string Input(ArtifactRef artifact)
        {
            var key = artifact.Key;
            return ctx.Inputs.TryGetValue(key, out var i) ? i.PathOrValue
                : throw MlpException.Invalid($"Code step '{ctx.Step.Name}' reads '{key}', which is not one of its inputs; declare it with .Inputs(...).");
        }

        public override string Output(ArtifactRef artifact) =>
            ctx.OutputPaths.TryGetValue(artifact.Name, out var p) ? p
                : throw MlpException.Invalid($"Code step '{ctx.Step.Name}' has no output '{artifact.Name}'.");

        public override string Parameter(string name) =>
            ctx.Parameters.TryGetValue(name, out var v) ? v : throw MlpException.NotFound("parameter", name, ctx.Parameters.Keys);

        public override void Log(string line) => ctx.Log.Write(Core.Runs.LogStream.Stdout, line);
    }
}
