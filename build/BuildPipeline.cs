using System.Diagnostics;
using MlPipelines.Core.Errors;
using MlPipelines.Pipelines;

namespace MlPipelines.Build;

/// <summary>
/// The build as an MlPipelines pipeline: one <c>Code</c> step per requested target (plus, unless skipped, the targets
/// it depends on), each running its command from the repository root with output streamed into the step's log.
/// </summary>
internal sealed class BuildPipeline(IReadOnlyList<string> requested, bool skipDependencies, string root) : Pipeline
{
    public override string Name => "build";

    protected override void Define(PipelineBuilder p)
    {
        var byName = Targets.All.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
        var steps = new Dictionary<string, CodeStep>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in requested) Add(name);

        CodeStep Add(string name)
        {
            if (steps.TryGetValue(name, out var existing)) return existing;
            if (!byName.TryGetValue(name, out var target))
                throw MlpException.Invalid($"Unknown target '{name}'; available: {string.Join(", ", Targets.All.Select(t => $"'{t.Name}'"))}.");
            var step = p.Code(target.Name, ctx => RunAsync(ctx, target)).AllowReuse(false);
            steps[name] = step;
            if (!skipDependencies)
                foreach (var d in target.DependsOn) step.DependsOn(Add(d));
            return step;
        }
    }

    private async Task RunAsync(CodeContext ctx, BuildTarget target)
    {
        var commands = target.Name == "bench"
            ? Directory.GetFiles(Path.Combine(root, "bench"), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Select(project => new[] { "dotnet", "run", "-c", "Release", "--project", Path.GetRelativePath(root, project) }).ToList()
            : [target.Command];
        foreach (var command in commands)
        {
            ctx.Log("> " + string.Join(' ', command));
            // The tool writes straight to this console (live displays, colours, test summaries stay as they are).
            var psi = new ProcessStartInfo(command[0]) { WorkingDirectory = root, UseShellExecute = false };
            foreach (var a in command[1..]) psi.ArgumentList.Add(a);
            using var process = Process.Start(psi) ?? throw MlpException.Failed($"Could not start '{command[0]}'.");
            await using (ctx.CancellationToken.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }))
                await process.WaitForExitAsync(CancellationToken.None);
            ctx.CancellationToken.ThrowIfCancellationRequested();
            if (process.ExitCode != 0) throw MlpException.Failed($"'{string.Join(' ', command)}' exited with code {process.ExitCode}");
        }
    }
}
