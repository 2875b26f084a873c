using MlPipelines.Core.Runs;
using MlPipelines.Pipelines.Plan;
using MlPipelines.Runner.Execution;

namespace MlPipelines.Runner.Scheduling;

/// <summary>Mutable state of one step during a pipeline run (owned by the scheduler loop).</summary>
internal sealed class StepState(PlanStep step, int index)
{
    public PlanStep Step { get; } = step;
    public int Index { get; } = index;
    public bool Started { get; set; }
    public bool Done { get; set; }
    public RunStatus Status { get; set; } = RunStatus.Queued;
    public string? Reason { get; set; }
    public string? RunId { get; set; }
    public string? ReusedFrom { get; set; }
    public TimeSpan Duration { get; set; }
    public int Attempts { get; set; }
    /// <summary>For failed or skipped steps: the step whose failure caused it (itself when it failed).</summary>
    public string? FailedRoot { get; set; }
    public IReadOnlyDictionary<string, string> Outcomes { get; set; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, ResolvedOutput>? Outputs { get; set; }

    public StepRunResult ToResult() => new(Step.Name, RunId, Status, Reason, ReusedFrom, Duration, Attempts);
}
