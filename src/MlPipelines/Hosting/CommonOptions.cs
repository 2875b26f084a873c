using System.CommandLine;
using MlPipelines.Pipelines.Parameters;

namespace MlPipelines.Hosting;

/// <summary>Options shared by plan and run.</summary>
internal sealed class CommonOptions
{
    public Option<string[]> Params { get; } = new("--param") { Description = "Set a parameter: NAME=VALUE (repeatable).", AllowMultipleArgumentsPerToken = false, Arity = ArgumentArity.ZeroOrMore };
    public Option<string?> ParamsFile { get; } = new("--params-file") { Description = "A JSON file of parameter values." };
    public Option<string?> Workspace { get; } = new("--workspace") { Description = "Workspace folder (default: MLP_WORKSPACE, then the nearest .mlp/ up from here)." };
    public Option<bool> Force { get; } = new("--force") { Description = "Ignore cached results: every step runs." };
    public Option<string?> BaseDirectory { get; } = new("--base-dir") { Description = "Folder that relative data paths and commands resolve against (default: the pipeline project folder)." };

    public IEnumerable<Option> All => [Params, ParamsFile, Workspace, Force, BaseDirectory];

    /// <summary>The base directory chosen with --base-dir, else the pipeline project folder.</summary>
    public string BaseDirectoryOf(ParseResult r, PipelineHost host) =>
        r.GetValue(BaseDirectory) is { Length: > 0 } d ? Path.GetFullPath(d) : host.PlanDirectory;

    public ParameterInput Parameters(ParseResult r) => new()
    {
        Assignments = r.GetValue(Params) ?? [],
        File = r.GetValue(ParamsFile),
        Environment = ParameterInput.ProcessEnvironment(),
    };
}
