namespace MlPipelines.Pipelines;

/// <summary>A step that runs a command on a compute target.</summary>
/// <typeparam name="TSelf">The concrete step type.</typeparam>
public abstract class ProcessStep<TSelf> : Step<TSelf> where TSelf : ProcessStep<TSelf>
{
    private List<CommandArg>? _command;

    private protected ProcessStep(PipelineBuilder owner, string name, string kind) : base(owner, name, kind) { }

    internal override bool UsesCompute => true;
    internal override IReadOnlyList<CommandArg>? CommandArgs => _command;

    /// <summary>Outputs the kind always has (a train step's model and metrics folders).</summary>
    private protected virtual IEnumerable<string> IntrinsicOutputs => [];

    internal override bool Produces(string name) =>
        DeclaredOutputs.ContainsKey(name) && (!OutputsNamedOutside.Contains(name) || IntrinsicOutputs.Contains(name)
            || (_command ?? []).SelectMany(a => a.Parts).OfType<ArtifactRef>().Any(a => a.Producer == this && a.Name == name));

    /// <summary>Sets the command: a program and its arguments (literals, artifacts, parameters).</summary>
    public TSelf Command(string program, params CommandArg[] args)
    {
        _command = [program, .. args];
        return (TSelf)this;
    }
}

/// <summary>A generic command step.</summary>
public sealed class CommandStep : ProcessStep<CommandStep>
{
    internal CommandStep(PipelineBuilder owner, string name) : base(owner, name, "command") => Outputs = new CommandOutputs(this);

    /// <summary>The step's outputs.</summary>
    public CommandOutputs Outputs { get; }
}

/// <summary>A training step: a command that writes a model (and metrics).</summary>
public sealed class TrainStep : ProcessStep<TrainStep>
{
    internal TrainStep(PipelineBuilder owner, string name) : base(owner, name, "train")
    {
        Outputs = new TrainOutputs(this);
        _ = Outputs.Model;
    }

    /// <summary>The step's outputs.</summary>
    public TrainOutputs Outputs { get; }

    /// <summary>The trained model.</summary>
    public ModelArtifact Model => Outputs.Model;

    private protected override IEnumerable<string> IntrinsicOutputs => ["model", "metrics"];

    /// <summary>The training metrics.</summary>
    public Metrics Metrics => Outputs.Metrics;
}

/// <summary>An in-process C# step (like a build target). The plan records it by name; the host supplies the delegate.</summary>
public sealed class CodeStep : Step<CodeStep>
{
    internal CodeStep(PipelineBuilder owner, string name, Func<CodeContext, Task> body) : base(owner, name, "code")
    {
        Body = body;
        Outputs = new CommandOutputs(this);
    }

    internal Func<CodeContext, Task> Body { get; }

    /// <summary>The step's outputs.</summary>
    public CommandOutputs Outputs { get; }
}
