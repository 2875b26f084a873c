namespace MlPipelines.Pipelines;

/// <summary>A step of a pipeline. Settings are recorded only; nothing runs until the compiled plan is executed.</summary>
public abstract class Step
{
    private protected Step(PipelineBuilder owner, string name, string kind)
    {
        Owner = owner;
        Name = name;
        Kind = kind;
    }

    internal PipelineBuilder Owner { get; }
    /// <summary>The step name, unique in its pipeline.</summary>
    public string Name { get; }
    /// <summary>The step kind as written in the plan (command, train, code, evaluate, register, promote, image, deploy).</summary>
    public string Kind { get; }

    internal List<Step> DependsOnSteps { get; } = [];
    internal List<string> DependsOnNames { get; } = [];
    internal List<Condition> Conditions { get; } = [];
    internal List<ArtifactRef> ExtraInputs { get; } = [];
    internal List<ParamRef> ExtraParams { get; } = [];
    internal Dictionary<string, ArtifactRef> DeclaredOutputs { get; } = new(StringComparer.Ordinal);
    /// <summary>Outputs first named after the step was added (by a consumer, e.g. <c>train.Outputs.File("x")</c>), not while defining it.</summary>
    internal HashSet<string> OutputsNamedOutside { get; } = new(StringComparer.Ordinal);
    /// <summary>True until the builder has run the step's configure callback.</summary>
    internal bool Defining { get; set; } = true;
    internal List<string> OutputConflicts { get; } = [];
    internal SortedDictionary<string, string> Settings { get; } = new(StringComparer.Ordinal);
    internal string? EnvironmentName { get; set; }
    internal string? ComputeName { get; set; }
    internal int Retries { get; set; }
    internal TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(1);
    internal TimeSpan? TimeoutValue { get; set; }
    internal Plan.PlanResources? ResourcesValue { get; set; }
    internal bool? Reuse { get; set; }

    /// <summary>Steps whose effects outside the workspace matter (register, promote, deploy) are not reused by default.</summary>
    internal virtual bool ReuseByDefault => true;
    /// <summary>True for kinds that run a process on a compute target.</summary>
    internal virtual bool UsesCompute => false;
    /// <summary>The command of process steps, if any.</summary>
    internal virtual IReadOnlyList<CommandArg>? CommandArgs => null;
    /// <summary>
    /// Whether the step produces output <paramref name="name"/>: a process step produces what its command names or what
    /// it declared while being defined (plus outputs its kind always has); code steps write whatever they declare.
    /// </summary>
    internal virtual bool Produces(string name) => DeclaredOutputs.ContainsKey(name);

    /// <summary>Inputs implied by the kind (e.g. the model and data of an evaluation), by role name.</summary>
    internal virtual IEnumerable<ArtifactRef> KindInputs => [];

    /// <summary>Condition: this step completed (ran or was reused).</summary>
    public Condition Succeeded => Condition.ForOutcome(this, "succeeded");

    internal T DeclareOutput<T>(string name, Func<T> create) where T : ArtifactRef
    {
        if (DeclaredOutputs.TryGetValue(name, out var existing))
        {
            if (existing is T same) return same;
            OutputConflicts.Add($"Step '{Name}' declares output '{name}' as both {existing.TypeName} and {create().TypeName}.");
            return create();
        }
        var created = create();
        DeclaredOutputs[name] = created;
        if (!Defining) OutputsNamedOutside.Add(name);
        return created;
    }
}

/// <summary>Fluent settings shared by every step kind; each method returns the step itself.</summary>
/// <typeparam name="TSelf">The concrete step type.</typeparam>
public abstract class Step<TSelf> : Step where TSelf : Step<TSelf>
{
    private protected Step(PipelineBuilder owner, string name, string kind) : base(owner, name, kind) { }

    private TSelf Self => (TSelf)this;

    /// <summary>Runs this step after the given steps (ordering only, no data).</summary>
    public TSelf DependsOn(params Step[] steps) { DependsOnSteps.AddRange(steps); return Self; }

    /// <summary>Runs this step after the named steps; unknown names are reported by the compiler.</summary>
    public TSelf DependsOn(params string[] stepNames) { DependsOnNames.AddRange(stepNames); return Self; }

    /// <summary>Same as <see cref="DependsOn(Step[])"/>; reads well for ordering-only edges.</summary>
    public TSelf After(params Step[] steps) => DependsOn(steps);

    /// <summary>Runs this step only when the condition holds; otherwise it is recorded as Skipped with the reason.</summary>
    public TSelf When(Condition condition) { Conditions.Add(condition); return Self; }

    /// <summary>Declares extra inputs the step reads (their content is part of the cache key).</summary>
    public TSelf Inputs(params ArtifactRef[] artifacts) { ExtraInputs.AddRange(artifacts); return Self; }

    /// <summary>Declares parameters the step reads besides those in its command (their values are part of the cache key).</summary>
    public TSelf Uses(params ParamRef[] parameters) { ExtraParams.AddRange(parameters); return Self; }

    /// <summary>The environment the step runs with (a curated name or one declared with <see cref="PipelineBuilder.Environment"/>).</summary>
    public TSelf Environment(string name) { EnvironmentName = name; return Self; }

    /// <summary>The compute target the step runs on (default <c>local</c>).</summary>
    public TSelf Compute(string name) { ComputeName = name; return Self; }

    /// <summary>Retries a failed attempt up to <paramref name="attempts"/> more times, waiting <paramref name="backoff"/> (doubling) in between.</summary>
    public TSelf Retry(int attempts, TimeSpan? backoff = null)
    {
        Retries = attempts;
        if (backoff is { } b) RetryBackoff = b;
        return Self;
    }

    /// <summary>
    /// What the step asks of its compute target: cores, memory in MiB and GPUs (Slurm <c>--cpus-per-task/--mem/--gres</c>,
    /// Docker <c>--cpus/--memory</c>, Kubernetes requests and limits). The local target ignores them.
    /// </summary>
    public TSelf Resources(int? cpus = null, long? memoryMb = null, int? gpus = null)
    {
        ResourcesValue = new Plan.PlanResources(cpus, memoryMb, gpus);
        return Self;
    }

    /// <summary>Kills the step's process tree when an attempt runs longer than <paramref name="limit"/>.</summary>
    public TSelf Timeout(TimeSpan limit) { TimeoutValue = limit; return Self; }

    /// <summary>Whether a cached result may be reused instead of running the step.</summary>
    public TSelf AllowReuse(bool allow = true) { Reuse = allow; return Self; }

    /// <summary>A free-form setting for the step's executor (recorded in the plan and the cache key).</summary>
    public TSelf With(string key, string value) { Settings[key] = value; return Self; }
}
