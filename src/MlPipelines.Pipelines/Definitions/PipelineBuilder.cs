namespace MlPipelines.Pipelines;

/// <summary>
/// Records a pipeline's data, environments and steps. Methods only record (no I/O); problems are collected and reported
/// all at once by the compiler. Each pipeline compilation gets its own builder, so definitions never share state.
/// </summary>
public sealed class PipelineBuilder
{
    internal PipelineBuilder(string pipelineName) => PipelineName = pipelineName;

    internal string PipelineName { get; }
    internal List<Step> Steps { get; } = [];
    internal List<DataDeclaration> DataSources { get; } = [];
    internal List<EnvironmentDeclaration> DeclaredEnvironments { get; } = [];
    internal List<ParamRef> ParamRefs { get; } = [];

    /// <summary>A local file or folder (relative to the pipeline's base directory, or absolute) used as a dataset.</summary>
    public Dataset Data(string name, string path)
    {
        DataSources.Add(new DataDeclaration(name, path, null));
        return new Dataset(this, null, name);
    }

    /// <summary>A registered workspace dataset: a fixed <paramref name="version"/>, or the latest version when null.</summary>
    public Dataset Data(string name, int? version = null)
    {
        DataSources.Add(new DataDeclaration(name, null, version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "latest"));
        return new Dataset(this, null, name);
    }

    /// <summary>A reference to a parameter by property name (use <c>nameof</c>), for commands and conditions.</summary>
    public ParamRef Param(string name)
    {
        var r = new ParamRef(this, name);
        ParamRefs.Add(r);
        return r;
    }

    /// <summary>Declares a user-managed environment (an image or a Dockerfile, plus packages); returns its name for <c>.Environment(...)</c>.</summary>
    public string Environment(string name, string? image = null, string? dockerfile = null, params string[] packages)
    {
        DeclaredEnvironments.Add(new EnvironmentDeclaration(name, image, dockerfile, packages));
        return name;
    }

    /// <summary>A generic command step; configure its command and outputs in <paramref name="configure"/>.</summary>
    public CommandStep Command(string name, Action<CommandStep> configure) => Add(new CommandStep(this, name), configure);

    /// <summary>A generic command step without declared outputs.</summary>
    public CommandStep Command(string name, string program, params CommandArg[] args) => Add(new CommandStep(this, name), s => s.Command(program, args));

    /// <summary>A training step; its command writes <c>t.Outputs.Model</c>.</summary>
    public TrainStep Train(string name, Action<TrainStep> configure) => Add(new TrainStep(this, name), configure);

    /// <summary>An in-process C# step.</summary>
    public CodeStep Code(string name, Func<CodeContext, Task> body) => Add(new CodeStep(this, name, body), null);

    /// <summary>An in-process synchronous C# step.</summary>
    public CodeStep Code(string name, Action<CodeContext> body) => Add(new CodeStep(this, name, ctx => { body(ctx); return Task.CompletedTask; }), null);

    /// <summary>Evaluates <paramref name="model"/> on <paramref name="data"/>; chain <c>Require</c>/<c>BetterThan</c> for the gate.</summary>
    public EvaluateStep Evaluate(string name, ModelArtifact model, DataArtifact data) => Add(new EvaluateStep(this, name, model, data), null);

    /// <summary>Registers <paramref name="model"/> as a new version of the registry model <paramref name="name"/>.</summary>
    public RegisterStep Register(string step, ModelArtifact model, string name) => Add(new RegisterStep(this, step, model, name), null);

    /// <summary>Moves <paramref name="alias"/> to the registered model version.</summary>
    public PromoteStep Promote(string step, RegisteredModel model, string alias) => Add(new PromoteStep(this, step, model, alias), null);

    /// <summary>Builds a scoring image from a registered model.</summary>
    public ImageStep Image(string name, RegisteredModel model) => Add(new ImageStep(this, name, model), null);

    /// <summary>Deploys an image as <paramref name="deployment"/> behind <paramref name="endpoint"/> with <paramref name="traffic"/> percent of the traffic.</summary>
    public DeployStep Deploy(string name, Image image, string endpoint, string deployment, int traffic = 100) =>
        Add(new DeployStep(this, name, image, endpoint, deployment, traffic), null);

    private T Add<T>(T step, Action<T>? configure) where T : Step
    {
        Steps.Add(step);
        configure?.Invoke(step);
        step.Defining = false;
        return step;
    }
}

internal sealed record DataDeclaration(string Name, string? Path, string? Version);

internal sealed record EnvironmentDeclaration(string Name, string? Image, string? Dockerfile, IReadOnlyList<string> Packages);
