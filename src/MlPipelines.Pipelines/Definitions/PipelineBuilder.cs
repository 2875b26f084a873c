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

    /// <summary>
    /// Declares an environment; returns its name for <c>.Environment(...)</c>. An <paramref name="image"/> alone is
    /// user-managed (run as it is); an image with <paramref name="packages"/> (pip) is system-managed with that image as
    /// base; a <paramref name="dockerfile"/> (relative to the working folder; its folder is the build context) is user-managed.
    /// </summary>
    public string Environment(string name, string? image = null, string? dockerfile = null, params string[] packages)
    {
        if (dockerfile is not null || packages.Length == 0)
            return Declare(name, Core.Environments.EnvironmentSpec.UserManaged, ("image", image), ("dockerfile", dockerfile), ("pip", Join(packages)));
        return SystemEnvironment(name, image ?? "", pip: packages);
    }

    /// <summary>
    /// Declares a system-managed environment: <paramref name="baseImage"/> plus apt and pip packages, a conda file
    /// (relative to the working folder) and variables, rendered into a Dockerfile from <c>templates/environments</c>.
    /// </summary>
    public string SystemEnvironment(string name, string baseImage, IEnumerable<string>? pip = null, IEnumerable<string>? apt = null,
        string? condaFile = null, IReadOnlyDictionary<string, string>? variables = null) =>
        Declare(name, Core.Environments.EnvironmentSpec.SystemManaged, ("base", baseImage),
            ("pip", Join(pip?.Order(StringComparer.Ordinal))), ("apt", Join(apt?.Order(StringComparer.Ordinal))), ("conda", condaFile),
            ("variables", Join(variables?.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={v.Value}"))));

    /// <summary>Declares a user-managed environment built from <paramref name="dockerfile"/> with <paramref name="context"/> (default: the Dockerfile's folder).</summary>
    public string DockerfileEnvironment(string name, string dockerfile, string? context = null) =>
        Declare(name, Core.Environments.EnvironmentSpec.UserManaged, ("dockerfile", dockerfile), ("context", context));

    private static string? Join(IEnumerable<string>? items) => items is null ? null : string.Join(",", items) is { Length: > 0 } s ? s : null;

    private string Declare(string name, string kind, params (string Key, string? Value)[] fields)
    {
        DeclaredEnvironments.Add(new EnvironmentDeclaration(name, kind,
            fields.Where(f => f.Value is not null).ToDictionary(f => f.Key, f => f.Value!, StringComparer.Ordinal)));
        return name;
    }

    /// <summary>A generic command step; configure its command and outputs in <paramref name="configure"/>.</summary>
    public CommandStep Command(string name, Action<CommandStep> configure) => Add(new CommandStep(this, name), configure);

    /// <summary>A generic command step without declared outputs.</summary>
    public CommandStep Command(string name, string program, params CommandArg[] args) => Add(new CommandStep(this, name), s => s.Command(program, args));

    /// <summary>A training step; its command writes <c>t.Outputs.Model</c>.</summary>
    public TrainStep Train(string name, Action<TrainStep> configure) => Add(new TrainStep(this, name), configure);

    /// <summary>A hyperparameter sweep: its command runs once per trial (see <see cref="SweepStep"/>).</summary>
    public SweepStep Sweep(string name, Action<SweepStep> configure) => Add(new SweepStep(this, name), configure);

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

internal sealed record EnvironmentDeclaration(string Name, string Kind, IReadOnlyDictionary<string, string> Fields);
