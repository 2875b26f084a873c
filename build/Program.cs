using System.CommandLine;
using System.Runtime.InteropServices;
using MlPipelines.Build;
using MlPipelines.Core.Errors;
using MlPipelines.Pipelines.Compiler;
using MlPipelines.Runner;
using MlPipelines.Runner.Progress;
using MlPipelines.Workspace;

var root = FindRoot();
var targets = new Argument<string[]>("targets") { Description = "Targets to run (default: test).", Arity = ArgumentArity.ZeroOrMore };
var skip = new Option<bool>("--skip") { Description = "Run only the named targets, not the targets they depend on." };
var command = new RootCommand("MlPipelines build (a pipeline of Code steps run by MlPipelines itself; runs are recorded in artifacts/build/.mlp). Targets:\n" +
    string.Join("\n", Targets.All.Select(t => $"  {t.Name,-8} {t.Description}{(t.DependsOn.Length > 0 ? $" (after {string.Join(", ", t.DependsOn)})" : "")}")))
{
    targets, skip,
};
command.SetAction(async (parse, ct) =>
{
    try
    {
        var requested = parse.GetValue(targets) is { Length: > 0 } t ? t : ["test"];
        var compiled = PipelineCompiler.Compile(new BuildPipeline(requested, parse.GetValue(skip), root));
        using var ws = LocalWorkspace.Init(Path.Combine(root, "artifacts", "build"));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
        var result = await PipelineRunner.RunAsync(compiled, new PipelineRunOptions
        {
            Workspace = ws, Experiment = "build", MaxParallel = 1, BaseDirectory = root, Progress = new PlainProgress(Console.Out),
        }, cts.Token);
        return result.ExitCode;
    }
    catch (MlpException e)
    {
        Console.Error.WriteLine("error: " + e.Message);
        return ExitCodes.For(e.Kind);
    }
});
return await command.Parse(args).InvokeAsync();

static string FindRoot()
{
    var dir = new DirectoryInfo(Directory.GetCurrentDirectory());
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlPipelines.sln"))) dir = dir.Parent;
    return dir?.FullName ?? throw MlpException.Invalid("MlPipelines.sln was not found above the current folder; run build.sh from the repository.");
}
