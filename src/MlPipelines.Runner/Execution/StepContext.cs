using System.Text.RegularExpressions;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Workspaces;
using MlPipelines.Pipelines.Plan;

namespace MlPipelines.Runner.Execution;

/// <summary>Everything an executor gets for one attempt of a step.</summary>
public sealed partial class StepContext
{
    private readonly Dictionary<string, string> _outputValues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _outcomes = new(StringComparer.Ordinal);

    /// <summary>The workspace.</summary>
    public required IWorkspace Workspace { get; init; }
    /// <summary>The whole plan.</summary>
    public required PipelinePlan Plan { get; init; }
    /// <summary>The step being executed.</summary>
    public required PlanStep Step { get; init; }
    /// <summary>The step's child run.</summary>
    public required string RunId { get; init; }
    /// <summary>The pipeline (parent) run.</summary>
    public required string ParentRunId { get; init; }
    /// <summary>The experiment of both runs.</summary>
    public required string Experiment { get; init; }
    /// <summary>Resolved inputs by key.</summary>
    public required IReadOnlyDictionary<string, StepInput> Inputs { get; init; }
    /// <summary>The step's output folder (<c>MLP_OUTPUT_DIR</c>).</summary>
    public required string OutputDirectory { get; init; }
    /// <summary>Where each declared output goes, by output name.</summary>
    public required IReadOnlyDictionary<string, string> OutputPaths { get; init; }
    /// <summary>Parameter values (invariant text) by name.</summary>
    public required IReadOnlyDictionary<string, string> Parameters { get; init; }
    /// <summary>Working directory of commands; relative data paths are resolved against it.</summary>
    public required string BaseDirectory { get; init; }
    /// <summary>The step's log.</summary>
    public required IStepLog Log { get; init; }
    /// <summary>Grace period between SIGTERM and SIGKILL when killing process trees.</summary>
    public TimeSpan KillGracePeriod { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Fires on cancellation (Ctrl+C, SIGTERM) or when the attempt times out.</summary>
    public required CancellationToken CancellationToken { get; init; }

    /// <summary>Sets the value of a reference output (registered-model <c>name:version</c>, image reference, deployment).</summary>
    public void SetOutputValue(string output, string value)
    {
        if (Step.Outputs.All(o => o.Name != output))
            throw MlpException.Invalid($"Step '{Step.Name}' has no output '{output}'; outputs: {string.Join(", ", Step.Outputs.Select(o => $"'{o.Name}'"))}.");
        lock (_outputValues) _outputValues[output] = value;
    }

    /// <summary>Sets an outcome other steps can be conditioned on (e.g. <c>passed</c> = true/false for evaluate).</summary>
    public void SetOutcome(string name, bool value)
    {
        lock (_outcomes) _outcomes[name] = value ? "true" : "false";
    }

    internal IReadOnlyDictionary<string, string> OutputValues { get { lock (_outputValues) return new Dictionary<string, string>(_outputValues); } }
    internal IReadOnlyDictionary<string, string> Outcomes { get { lock (_outcomes) return new Dictionary<string, string>(_outcomes); } }

    /// <summary>Substitutes <c>${inputs.X}</c>, <c>${outputs.X}</c> and <c>${params.X}</c> in a command template.</summary>
    public string Render(string template) => Placeholder().Replace(template, m =>
    {
        var (scope, key) = (m.Groups[1].Value, m.Groups[2].Value);
        return scope switch
        {
            "inputs" when Inputs.TryGetValue(key, out var i) => i.PathOrValue,
            "outputs" when OutputPaths.TryGetValue(key, out var o) => o,
            "params" when Parameters.TryGetValue(key, out var p) => p,
            _ => throw MlpException.Invalid($"Step '{Step.Name}' uses placeholder '{m.Value}', which names no known {scope[..^1]}."),
        };
    });

    [GeneratedRegex(@"\$\{(inputs|outputs|params)\.([^}]+)\}")]
    private static partial Regex Placeholder();
}
