namespace MlPipelines.Pipelines.Plan;

/// <summary>
/// The compiled, validated form of a pipeline (schema <c>mlp.plan/v2</c>: typed steps with definition fingerprints). The runner executes this, not the C#
/// definition; it is committed next to the pipeline so changes show up in review. Serialization is deterministic.
/// </summary>
public sealed record PipelinePlan
{
    /// <summary>The schema identifier written into every plan.</summary>
    public const string SchemaV2 = "mlp.plan/v2";

    /// <summary>The schema of the first plans (untyped steps), refused with a message to recompile.</summary>
    public const string SchemaV1 = "mlp.plan/v1";

    /// <summary>Always <see cref="SchemaV2"/>.</summary>
    public string Schema { get; init; } = SchemaV2;
    /// <summary>The pipeline name.</summary>
    public required string Pipeline { get; init; }
    /// <summary>Parameters with type, default and the value this plan was compiled with.</summary>
    public IReadOnlyList<PlanParameter> Parameters { get; init; } = [];
    /// <summary>Data references.</summary>
    public IReadOnlyList<PlanData> Data { get; init; } = [];
    /// <summary>Environments used or declared, with their content hashes.</summary>
    public IReadOnlyList<PlanEnvironment> Environments { get; init; } = [];
    /// <summary>Steps in a stable topological order.</summary>
    public IReadOnlyList<PlanStep> Steps { get; init; } = [];

    /// <summary>The deterministic JSON text of the plan (UTF-8, <c>\n</c> newlines, trailing newline).</summary>
    public string ToJson() => PlanJson.Serialize(this);

    /// <summary>Reads a plan from JSON text; rejects other schemas (v1 with a message to run <c>compile</c>).</summary>
    public static PipelinePlan FromJson(string json) => PlanJson.Deserialize(json);

    /// <summary>Reads a plan file.</summary>
    public static PipelinePlan Load(string path) => FromJson(File.ReadAllText(path));

    /// <summary>Writes the plan file (byte-identical for an identical plan).</summary>
    public void Save(string path) => File.WriteAllText(path, ToJson(), new System.Text.UTF8Encoding(false));

    /// <summary>The step of that name, or NotFound listing the steps.</summary>
    public PlanStep GetStep(string name) =>
        Steps.FirstOrDefault(s => s.Name == name) ?? throw Core.Errors.MlpException.NotFound("step", name, Steps.Select(s => s.Name));
}

/// <summary>A pipeline parameter.</summary>
/// <param name="Name">Property name.</param>
/// <param name="Type">string, int, long, double, bool or enum.</param>
/// <param name="Description">From the <c>[Parameter]</c> attribute.</param>
/// <param name="Default">Default value as invariant text.</param>
/// <param name="Value">Value this plan was compiled with.</param>
public sealed record PlanParameter(string Name, string Type, string Description, string Default, string Value)
{
    /// <summary>Allowed values of an enum parameter.</summary>
    public IReadOnlyList<string>? Allowed { get; init; }
}

/// <summary>A data reference: a local path or a workspace dataset version (<c>latest</c> or a number).</summary>
public sealed record PlanData(string Name, string? Path, string? Version);

/// <summary>An environment: curated or declared, with its definition and content hash.</summary>
public sealed record PlanEnvironment(string Name, string Kind, string Hash, IReadOnlyDictionary<string, string> Definition);


/// <summary>Resources a step requests from its compute target.</summary>
/// <param name="Cpus">Cores.</param>
/// <param name="MemoryMb">Memory in MiB.</param>
/// <param name="Gpus">GPUs.</param>
public sealed record PlanResources(int? Cpus = null, long? MemoryMb = null, int? Gpus = null);
