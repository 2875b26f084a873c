using MlPipelines.Pipelines.Plan;

namespace MlPipelines.Runner.Execution;

/// <summary>
/// Executes the steps of one plan record type (e.g. <see cref="EvaluatePlanStep"/>, or <see cref="ProcessPlanStep"/> for
/// both command and train steps). The runner resolves inputs, creates the step's run, output folder and log before
/// calling it, and records outputs, status and cache entry afterwards. Derive from <see cref="StepExecutor{TStep}"/>.
/// </summary>
public interface IStepExecutor
{
    /// <summary>The plan step type this executor handles (derived types included unless they have their own executor).</summary>
    Type StepType { get; }

    /// <summary>
    /// Executes one attempt. Return <see cref="StepResult.Failure"/> for an expected failure (exit code, failed check);
    /// throw <see cref="Core.Errors.MlpException"/> for errors worth a message. Observe
    /// <see cref="StepContext.CancellationToken"/>: when it fires, stop (killing any process tree) and return.
    /// </summary>
    Task<StepResult> ExecuteAsync(StepContext context);
}

/// <summary>An executor typed by the step record it executes: the runner hands it the step as <typeparamref name="TStep"/>.</summary>
/// <typeparam name="TStep">The plan step type.</typeparam>
public abstract class StepExecutor<TStep> : IStepExecutor where TStep : PlanStep
{
    /// <inheritdoc />
    public Type StepType => typeof(TStep);

    /// <inheritdoc />
    public Task<StepResult> ExecuteAsync(StepContext context) => ExecuteAsync(context, (TStep)context.Step);

    /// <summary>Executes one attempt of <paramref name="step"/> (the same record as <c>context.Step</c>).</summary>
    protected abstract Task<StepResult> ExecuteAsync(StepContext context, TStep step);
}

/// <summary>The outcome of one attempt of a step.</summary>
/// <param name="Succeeded">True when the step did its work.</param>
/// <param name="Reason">Why it failed ("exit code 3"), or a note on success.</param>
public sealed record StepResult(bool Succeeded, string? Reason = null)
{
    /// <summary>False when another attempt cannot help (invalid input, a command that cannot start): the step is not retried.</summary>
    public bool Retryable { get; init; } = true;

    /// <summary>A failure that retries cannot fix.</summary>
    public static StepResult Permanent(string reason) => new(false, reason) { Retryable = false };

    /// <summary>Success.</summary>
    public static StepResult Success { get; } = new(true);

    /// <summary>A failure with a reason.</summary>
    public static StepResult Failure(string reason) => new(false, reason);
}

/// <summary>A resolved input of a step.</summary>
/// <param name="Name">Input key: data name or <c>step.output</c>.</param>
/// <param name="Type">Artifact type (dataset, file, folder, model, metrics, registered-model, image, deployment).</param>
/// <param name="Path">Local path of file/folder inputs; null for reference inputs.</param>
/// <param name="Value">Value of reference inputs (e.g. <c>iris:3</c>); null for files.</param>
/// <param name="Hash">Content hash (part of the cache key).</param>
/// <param name="ProducerRunId">Run that produced it, if a step output.</param>
public sealed record StepInput(string Name, string Type, string? Path, string? Value, string Hash, string? ProducerRunId)
{
    /// <summary>The path or value, whichever the input has.</summary>
    public string PathOrValue => Path ?? Value ?? "";
}

/// <summary>The log of a step: lines go to the step's run logs and to the console with the step name as prefix.</summary>
public interface IStepLog
{
    /// <summary>Writes a line produced now; stdout lines starting with <c>##mlp[</c> are also applied to the run (metrics, params, tags, tables, images, outputs).</summary>
    void Write(Core.Runs.LogStream stream, string text);

    /// <summary>
    /// Writes a line of a process's output read at <paramref name="readAt"/> (the time of what it records);
    /// <paramref name="invalidUtf8"/> says its bytes were not valid UTF-8 (a protocol line then gets a warning).
    /// </summary>
    void Write(Core.Runs.LogStream stream, string text, DateTimeOffset readAt, bool invalidUtf8 = false);

    /// <summary>Writes a line from MlPipelines itself (System stream).</summary>
    void Info(string text);

    /// <summary>The latest value of every metric the step's <c>##mlp[metric …]</c> lines reported so far.</summary>
    IReadOnlyDictionary<string, double> LatestMetrics { get; }
}

/// <summary>Executors by plan step type; the host adds executors for the kinds it supports.</summary>
public sealed class StepExecutorRegistry
{
    private readonly Dictionary<Type, IStepExecutor> _byType = [];

    /// <summary>Adds (or replaces) the executor of its step type.</summary>
    public StepExecutorRegistry Add(IStepExecutor executor)
    {
        _byType[executor.StepType] = executor;
        return this;
    }

    /// <summary>The executor of the step's type or of its nearest base type, or null.</summary>
    public IStepExecutor? Find(PlanStep step)
    {
        for (var t = step.GetType(); t is not null && t != typeof(object); t = t.BaseType)
            if (_byType.TryGetValue(t, out var e)) return e;
        return null;
    }

    /// <summary>Step types with an executor, by name, sorted.</summary>
    public IReadOnlyList<string> Kinds => _byType.Keys.Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
}
