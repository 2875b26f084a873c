using System.CommandLine;
using MlPipelines.Build;

var root = FindRoot();
var graph = Targets.Define(new Shell(root));
var targets = new Argument<string[]>("targets") { Description = "Targets to run (default: test).", Arity = ArgumentArity.ZeroOrMore };
var skip = new Option<bool>("--skip") { Description = "Run only the named targets, not their dependencies." };
var command = new RootCommand("MlPipelines build. Targets:\n" + string.Join("\n", graph.All.Select(t =>
    $"  {t.Name,-8} {t.Description}{(t.DependsOn.Length > 0 ? $" (after {string.Join(", ", t.DependsOn)})" : "")}")))
{
    targets, skip,
};
command.SetAction(parse =>
{
    var requested = parse.GetValue(targets) is { Length: > 0 } t ? t : ["test"];
    try { return graph.Run(requested, parse.GetValue(skip)) ? 0 : 1; }
    catch (BuildFailedException e) { Console.Error.WriteLine(e.Message); return 2; }
});
return command.Parse(args).Invoke();

static string FindRoot()
{
    var dir = new DirectoryInfo(Directory.GetCurrentDirectory());
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlPipelines.sln"))) dir = dir.Parent;
    return dir?.FullName ?? throw new InvalidOperationException("MlPipelines.sln not found above the current folder.");
}
