using MlPipelines.Compute;
using MlPipelines.Runner.Execution;

namespace MlPipelines;

/// <summary>What a pipeline program adds to the defaults: executors for more step kinds, compute targets, locations.</summary>
public sealed record PipelineAppOptions
{
    /// <summary>Extra executors, added after the built-in ones (<see cref="Executors.DefaultExecutors"/>: evaluate, register,
    /// promote, image, deploy), so an executor here replaces the built-in one of its kind.</summary>
    public IReadOnlyList<IStepExecutor> Executors { get; init; } = [];
    /// <summary>Compute targets beyond <c>local</c>.</summary>
    public IReadOnlyList<IComputeTarget> ComputeTargets { get; init; } = [];
    /// <summary>Folder of the committed plan file; default: the folder of the program's source file (the project folder).</summary>
    public string? PlanDirectory { get; init; }
    /// <summary>Folder whose files form the code snapshot in cache keys; default: the plan directory.</summary>
    public string? SourceDirectory { get; init; }
    /// <summary>Standard output (tests pass a writer).</summary>
    public TextWriter? Out { get; init; }
    /// <summary>Standard error (tests pass a writer).</summary>
    public TextWriter? Error { get; init; }
}
