using System.Text.Json.Serialization;

namespace MlPipelines.Pipelines.Plan;

/// <summary>
/// One step of a plan (<c>mlp.plan/v2</c>): a typed record per kind, written with a <c>kind</c> discriminator. Each step
/// carries a <see cref="Fingerprint"/>: the hash of exactly the fields that affect its outputs, listed per kind by
/// <see cref="FingerprintFields"/> (an inclusion list). Ordering edges, conditions, retries, timeouts, compute placement,
/// reuse policy and the environment (hashed separately into the cache key) are not in it.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(CommandPlanStep), "command")]
[JsonDerivedType(typeof(TrainPlanStep), "train")]
[JsonDerivedType(typeof(SweepPlanStep), "sweep")]
[JsonDerivedType(typeof(CodePlanStep), "code")]
[JsonDerivedType(typeof(EvaluatePlanStep), "evaluate")]
[JsonDerivedType(typeof(RegisterPlanStep), "register")]
[JsonDerivedType(typeof(PromotePlanStep), "promote")]
[JsonDerivedType(typeof(ImagePlanStep), "image")]
[JsonDerivedType(typeof(DeployPlanStep), "deploy")]
public abstract record PlanStep
{
    /// <summary>The kind as written in the plan's <c>kind</c> discriminator.</summary>
    [JsonIgnore] public abstract string Kind { get; }
    /// <summary>Unique step name.</summary>
    [JsonPropertyOrder(-10)] public required string Name { get; init; }
    /// <summary>SHA-256 over <see cref="FingerprintFields"/>; written by the compiler (a hand-edited step no longer matches the definition, so the plan reads as stale).</summary>
    [JsonPropertyOrder(-9)] public string Fingerprint { get; init; } = "";
    /// <summary>Names of the steps that must finish first (explicit, data and condition edges), sorted.</summary>
    [JsonPropertyOrder(-8)] public IReadOnlyList<string> DependsOn { get; init; } = [];
    /// <summary>All conditions must hold for the step to run.</summary>
    [JsonPropertyOrder(-7)] public IReadOnlyList<PlanCondition> Conditions { get; init; } = [];
    /// <summary>Inputs (datasets, step outputs, parameters), sorted by name.</summary>
    [JsonPropertyOrder(-6)] public IReadOnlyList<PlanInput> Inputs { get; init; } = [];
    /// <summary>Outputs, sorted by name.</summary>
    [JsonPropertyOrder(-5)] public IReadOnlyList<PlanOutput> Outputs { get; init; } = [];
    /// <summary>Environment name, if any.</summary>
    [JsonPropertyOrder(-4)] public string? Environment { get; init; }
    /// <summary>Compute target of steps that run a process.</summary>
    [JsonPropertyOrder(-4)] public string? Compute { get; init; }
    /// <summary>Extra attempts after a failure.</summary>
    [JsonPropertyOrder(-3)] public int Retries { get; init; }
    /// <summary>Wait before the first retry (doubles each time), in seconds.</summary>
    [JsonPropertyOrder(-3)] public double RetryBackoffSeconds { get; init; }
    /// <summary>Per-attempt time limit in seconds, if any.</summary>
    [JsonPropertyOrder(-3)] public double? TimeoutSeconds { get; init; }
    /// <summary>What the step asks of its compute target (cores, memory, GPUs); null = the target's defaults.</summary>
    [JsonPropertyOrder(-3)] public PlanResources? Resources { get; init; }
    /// <summary>Whether a cached result may be reused.</summary>
    [JsonPropertyOrder(-3)] public bool AllowReuse { get; init; } = true;
    /// <summary>Free-form executor settings (<c>.With(key, value)</c>).</summary>
    [JsonPropertyOrder(-2)] public IReadOnlyDictionary<string, string>? Settings { get; init; }

    /// <summary>The parameters the step reads (its parameter inputs), sorted.</summary>
    [JsonIgnore] public IReadOnlyList<string> Parameters => Inputs.Select(i => i.Source).OfType<ParameterSource>().Select(p => p.Parameter).ToList();

    /// <summary>The timeout as a TimeSpan.</summary>
    [JsonIgnore] public TimeSpan? Timeout => TimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null;

    /// <summary>
    /// The fields that affect what the step produces, by name: kind, name, inputs, outputs and settings, plus what
    /// <see cref="KindFields"/> adds. Values are canonical JSON.
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> FingerprintFields() =>
        new[]
        {
            Field("kind", Kind), Field("name", Name), Field("inputs", Inputs), Field("outputs", Outputs),
            Field("settings", Settings ?? new Dictionary<string, string>()),
        }.Concat(KindFields());

    /// <summary>The kind's own fields of the fingerprint (an explicit list per kind).</summary>
    protected abstract IEnumerable<KeyValuePair<string, string>> KindFields();

    /// <summary>One fingerprint field.</summary>
    protected static KeyValuePair<string, string> Field<T>(string name, T value) => KeyValuePair.Create(name, PlanJson.Canonical(value));
}

/// <summary>A step that runs a command on a compute target.</summary>
public abstract record ProcessPlanStep : PlanStep
{
    /// <summary>Program and arguments with placeholders <c>${inputs.X}</c>, <c>${outputs.X}</c>, <c>${params.X}</c>.</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <inheritdoc />
    protected override IEnumerable<KeyValuePair<string, string>> KindFields() => [Field("command", Command)];
}

/// <summary>A generic command step.</summary>
public sealed record CommandPlanStep : ProcessPlanStep
{
    /// <inheritdoc />
    [JsonIgnore] public override string Kind => "command";
}

/// <summary>A training step (a command writing a model).</summary>
public sealed record TrainPlanStep : ProcessPlanStep
{
    /// <inheritdoc />
    [JsonIgnore] public override string Kind => "train";
}

/// <summary>A hyperparameter sweep: the command once per trial (its <c>${trial.X}</c> placeholders set), the best trial's outputs.</summary>
public sealed record SweepPlanStep : ProcessPlanStep
{
    /// <inheritdoc />
    [JsonIgnore] public override string Kind => "sweep";
    /// <summary>The parameter sets, one per trial, in order.</summary>
    public required IReadOnlyList<IReadOnlyDictionary<string, string>> Trials { get; init; }
    /// <summary>At most this many trials at once.</summary>
    public int MaxConcurrent { get; init; } = 4;
    /// <summary>The metric trials are ranked by.</summary>
    public required string Objective { get; init; }
    /// <summary><c>minimize</c> or <c>maximize</c>.</summary>
    public required string Goal { get; init; }
    /// <summary>Median stopping, if any.</summary>
    public SweepEarlyTermination? EarlyTermination { get; init; }

    /// <inheritdoc />
    protected override IEnumerable<KeyValuePair<string, string>> KindFields() =>
        [Field("command", Command), Field("trials", Trials), Field("objective", Objective), Field("goal", Goal), Field("earlyTermination", EarlyTermination)];
}

/// <summary>Median stopping of a sweep's trials.</summary>
/// <param name="Policy"><c>median</c>.</param>
/// <param name="EvaluationIntervalSeconds">How often running trials are judged.</param>
/// <param name="DelayEvaluations">Reports of the objective a trial makes before it can be stopped.</param>
public sealed record SweepEarlyTermination(string Policy, int EvaluationIntervalSeconds, int DelayEvaluations);

/// <summary>An in-process C# step; <see cref="Code"/> names the delegate of the pipeline assembly it is bound to.</summary>
public sealed record CodePlanStep : PlanStep
{
    /// <inheritdoc />
    [JsonIgnore] public override string Kind => "code";
    /// <summary>The name under which the host binds the delegate (the step name).</summary>
    public required string Code { get; init; }

    /// <inheritdoc />
    protected override IEnumerable<KeyValuePair<string, string>> KindFields() => [Field("code", Code)];
}

/// <summary>Evaluates a model on data (built-in evaluator on predictions, or a command) and decides a gate.</summary>
public sealed record EvaluatePlanStep : PlanStep
{
    /// <inheritdoc />
    [JsonIgnore] public override string Kind => "evaluate";
    /// <summary><c>builtin</c> or <c>command</c>.</summary>
    public required string Evaluator { get; init; }
    /// <summary>Input key of the model.</summary>
    public required string ModelInput { get; init; }
    /// <summary>Input key of the data.</summary>
    public required string DataInput { get; init; }
    /// <summary>Input key of the predictions (built-in evaluator).</summary>
    public string? PredictionsInput { get; init; }
    /// <summary>The user evaluator's command (evaluator <c>command</c>).</summary>
    public IReadOnlyList<string>? Command { get; init; }
    /// <summary>Requirements, in definition order.</summary>
    public IReadOnlyList<MetricRequirement> Requirements { get; init; } = [];
    /// <summary>Baseline comparisons, in definition order.</summary>
    public IReadOnlyList<BaselineComparison> BetterThan { get; init; } = [];

    /// <inheritdoc />
    protected override IEnumerable<KeyValuePair<string, string>> KindFields() =>
    [
        Field("evaluator", Evaluator), Field("modelInput", ModelInput), Field("dataInput", DataInput), Field("predictionsInput", PredictionsInput),
        Field("command", Command), Field("requirements", Requirements), Field("betterThan", BetterThan),
    ];
}

/// <summary>Registers model files as a new version of a named model.</summary>
public sealed record RegisterPlanStep : PlanStep
{
    /// <inheritdoc />
    [JsonIgnore] public override string Kind => "register";
    /// <summary>Input key of the model files.</summary>
    public required string ModelInput { get; init; }
    /// <summary>Registry model name.</summary>
    public required string ModelName { get; init; }
    /// <summary>Aliases moved to the new version, sorted.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];
    /// <summary>Tags of the new version.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <inheritdoc />
    protected override IEnumerable<KeyValuePair<string, string>> KindFields() =>
        [Field("modelInput", ModelInput), Field("modelName", ModelName), Field("aliases", Aliases), Field("tags", Tags)];
}

/// <summary>Moves an alias to a registered model version.</summary>
public sealed record PromotePlanStep : PlanStep
{
    /// <inheritdoc />
    [JsonIgnore] public override string Kind => "promote";
    /// <summary>Input key of the registered model.</summary>
    public required string ModelInput { get; init; }
    /// <summary>The alias moved.</summary>
    public required string Alias { get; init; }

    /// <inheritdoc />
    protected override IEnumerable<KeyValuePair<string, string>> KindFields() => [Field("modelInput", ModelInput), Field("alias", Alias)];
}

/// <summary>Renders (and builds) the scoring image of a registered model.</summary>
public sealed record ImagePlanStep : PlanStep
{
    /// <inheritdoc />
    [JsonIgnore] public override string Kind => "image";
    /// <summary>Input key of the registered model.</summary>
    public required string ModelInput { get; init; }

    /// <inheritdoc />
    protected override IEnumerable<KeyValuePair<string, string>> KindFields() => [Field("modelInput", ModelInput)];
}

/// <summary>Deploys an image behind an endpoint, shifting traffic in stages.</summary>
public sealed record DeployPlanStep : PlanStep
{
    /// <inheritdoc />
    [JsonIgnore] public override string Kind => "deploy";
    /// <summary>Input key of the image.</summary>
    public required string ImageInput { get; init; }
    /// <summary>Endpoint name.</summary>
    public required string Endpoint { get; init; }
    /// <summary>Deployment name.</summary>
    public required string Deployment { get; init; }
    /// <summary>Final traffic percentage.</summary>
    public int Traffic { get; init; }
    /// <summary>Deployment target (<c>local</c>, <c>docker</c>, <c>kubernetes</c>), if set.</summary>
    public string? Target { get; init; }
    /// <summary>Traffic stages in percent, ascending.</summary>
    public IReadOnlyList<int> Stages { get; init; } = [];

    /// <inheritdoc />
    protected override IEnumerable<KeyValuePair<string, string>> KindFields() =>
    [
        Field("imageInput", ImageInput), Field("endpoint", Endpoint), Field("deployment", Deployment), Field("traffic", Traffic),
        Field("target", Target), Field("stages", Stages),
    ];
}

/// <summary>A metric requirement: <c>metric op value</c>.</summary>
public sealed record MetricRequirement(string Metric, string Op, double Value);

/// <summary>A comparison with a registered baseline (<c>model@alias</c> or <c>model:version</c>).</summary>
public sealed record BaselineComparison(string Baseline, string Metric, double MinDelta);
