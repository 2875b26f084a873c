namespace MlPipelines.Pipelines;

/// <summary>Declares the outputs of a step. Declaring a name twice returns the same handle.</summary>
public class StepOutputs
{
    private protected StepOutputs(Step step) => Step = step;

    private protected Step Step { get; }

    /// <summary>A single file output, at <c>${outputs.NAME}</c>.</summary>
    public FileArtifact File(string name) => Step.DeclareOutput(name, () => new FileArtifact(Step.Owner, Step, name));

    /// <summary>A folder output, at <c>${outputs.NAME}</c>.</summary>
    public FolderArtifact Folder(string name) => Step.DeclareOutput(name, () => new FolderArtifact(Step.Owner, Step, name));
}

/// <summary>Outputs of a command or code step: files, folders, datasets, models and metrics.</summary>
public sealed class CommandOutputs : StepOutputs
{
    internal CommandOutputs(Step step) : base(step) { }

    /// <summary>A dataset-typed folder output.</summary>
    public Dataset Dataset(string name) => Step.DeclareOutput(name, () => new Dataset(Step.Owner, Step, name));

    /// <summary>A model folder output.</summary>
    public ModelArtifact Model(string name) => Step.DeclareOutput(name, () => new ModelArtifact(Step.Owner, Step, name));

    /// <summary>A metrics folder output.</summary>
    public Metrics Metrics(string name) => Step.DeclareOutput(name, () => new Metrics(Step.Owner, Step, name));
}

/// <summary>Outputs of a training step: the model folder and its metrics, plus any files or folders.</summary>
public sealed class TrainOutputs : StepOutputs
{
    internal TrainOutputs(Step step) : base(step) { }

    /// <summary>The trained model folder (<c>${outputs.model}</c>).</summary>
    public ModelArtifact Model => Step.DeclareOutput("model", () => new ModelArtifact(Step.Owner, Step, "model"));

    /// <summary>The training metrics folder (<c>${outputs.metrics}</c>).</summary>
    public Metrics Metrics => Step.DeclareOutput("metrics", () => new Metrics(Step.Owner, Step, "metrics"));
}
