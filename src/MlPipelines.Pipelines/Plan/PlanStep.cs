namespace MlPipelines.Pipelines.Plan;

/// <summary>One step of a plan: everything the runner needs to execute it and to compute its cache key.</summary>
public sealed record PlanStep
{
    /// <summary>Unique step name.</summary>
    public required string Name { get; init; }
    /// <summary>command, train, code, evaluate, register, promote, image or deploy.</summary>
    public required string Kind { get; init; }
    /// <summary>Names of the steps that must finish first (explicit, data and condition edges), sorted.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];
    /// <summary>All conditions must hold for the step to run.</summary>
    public IReadOnlyList<PlanCondition> Conditions { get; init; } = [];
    /// <summary>Inputs, sorted by name.</summary>
    public IReadOnlyList<PlanInput> Inputs { get; init; } = [];
    /// <summary>Outputs, sorted by name.</summary>
    public IReadOnlyList<PlanOutput> Outputs { get; init; } = [];
    /// <summary>Parameters the step reads (command placeholders, conditions, <c>Uses</c>), sorted.</summary>
    public IReadOnlyList<string> Parameters { get; init; } = [];
    /// <summary>Program and arguments with placeholders <c>${inputs.X}</c>, <c>${outputs.X}</c>, <c>${params.X}</c>.</summary>
    public IReadOnlyList<string>? Command { get; init; }
    /// <summary>For code steps: the name under which the host supplies the delegate.</summary>
    public string? Code { get; init; }
    /// <summary>Environment name, if any.</summary>
    public string? Environment { get; init; }
    /// <summary>Compute target for process steps.</summary>
    public string? Compute { get; init; }
    /// <summary>Extra attempts after a failure.</summary>
    public int Retries { get; init; }
    /// <summary>Wait before the first retry (doubles each time), in seconds.</summary>
    public double RetryBackoffSeconds { get; init; }
    /// <summary>Per-attempt time limit in seconds, if any.</summary>
    public double? TimeoutSeconds { get; init; }
    /// <summary>Whether a cached result may be reused.</summary>
    public bool AllowReuse { get; init; } = true;
    /// <summary>Free-form executor settings (<c>.With(key, value)</c>).</summary>
    public IReadOnlyDictionary<string, string>? Settings { get; init; }
    /// <summary>Evaluation settings (evaluate steps).</summary>
    public EvaluateSettings? Evaluate { get; init; }
    /// <summary>Registration settings (register steps).</summary>
    public RegisterSettings? Register { get; init; }
    /// <summary>Alias promotion settings (promote steps).</summary>
    public PromoteSettings? Promote { get; init; }
    /// <summary>Image settings (image steps).</summary>
    public ImageSettings? Image { get; init; }
    /// <summary>Deployment settings (deploy steps).</summary>
    public DeploySettings? Deploy { get; init; }

    /// <summary>The timeout as a TimeSpan.</summary>
    public TimeSpan? Timeout => TimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null;
}

/// <summary>A metric requirement: <c>metric op value</c>.</summary>
public sealed record MetricRequirement(string Metric, string Op, double Value);

/// <summary>A comparison with a registered baseline (<c>model@alias</c> or <c>model:version</c>).</summary>
public sealed record BaselineComparison(string Baseline, string Metric, double MinDelta);

/// <summary>Evaluate step settings; input roles are <see cref="ModelInput"/>, <see cref="DataInput"/>, <see cref="PredictionsInput"/> (input keys).</summary>
public sealed record EvaluateSettings(string ModelInput, string DataInput, string? PredictionsInput, string Evaluator)
{
    /// <summary>Requirements, in definition order.</summary>
    public IReadOnlyList<MetricRequirement> Requirements { get; init; } = [];
    /// <summary>Baseline comparisons, in definition order.</summary>
    public IReadOnlyList<BaselineComparison> BetterThan { get; init; } = [];
}

/// <summary>Register step settings.</summary>
public sealed record RegisterSettings(string ModelInput, string ModelName)
{
    /// <summary>Aliases moved to the new version, sorted.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];
    /// <summary>Tags of the new version.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>Promote step settings.</summary>
public sealed record PromoteSettings(string ModelInput, string Alias);

/// <summary>Image step settings.</summary>
public sealed record ImageSettings(string ModelInput);

/// <summary>Deploy step settings.</summary>
public sealed record DeploySettings(string ImageInput, string Endpoint, string Deployment, int Traffic, string? Target)
{
    /// <summary>Traffic stages in percent, ascending.</summary>
    public IReadOnlyList<int> Stages { get; init; } = [];
}
