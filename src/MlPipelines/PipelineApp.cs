using System.CommandLine;
using System.Runtime.CompilerServices;
using MlPipelines.CommandLine;
using MlPipelines.Hosting;
using MlPipelines.Pipelines;

namespace MlPipelines;

/// <summary>
/// The entry point of a pipeline program: <c>return await PipelineApp.RunAsync&lt;IrisPipeline&gt;(args);</c> gives it the
/// commands <c>compile</c> (write or <c>--check</c> the committed plan), <c>plan</c> (what would run or be reused, and why)
/// and <c>run</c>, with the pipeline's parameters listed in <c>--help</c>. Exit codes: 0 success, 1 a step failed or the
/// committed plan is stale, 2 invalid definition or arguments, 130 canceled (Ctrl+C / SIGTERM).
/// </summary>
public static class PipelineApp
{
    /// <summary>Parses <paramref name="args"/> and runs the chosen command for pipeline <typeparamref name="TPipeline"/>.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="options">Extra executors, compute targets and locations.</param>
    /// <param name="callerFilePath">Filled in by the compiler: the program's source file, whose folder holds the plan file.</param>
    public static async Task<int> RunAsync<TPipeline>(string[] args, PipelineAppOptions? options = null, [CallerFilePath] string callerFilePath = "")
        where TPipeline : Pipeline, new()
    {
        options ??= new PipelineAppOptions();
        Consoles.Configure();
        var host = new PipelineHost(() => new TPipeline(), options, ResolvePlanDirectory(options, callerFilePath));
        var root = new RootCommand(host.Description())
        {
            CompileCommand.Build(host),
            PlanCommand.Build(host),
            RunCommand.Build(host),
            EndpointDaemonCommand.Build(),
        };
        var parse = root.Parse(args);
        var config = new InvocationConfiguration
        {
            ProcessTerminationTimeout = null, // the run command handles Ctrl+C / SIGTERM itself to cancel cleanly
            Output = options.Out ?? Console.Out,
            Error = options.Error ?? Console.Error,
        };
        return await CommandLineApp.InvokeAsync(parse, config).ConfigureAwait(false);
    }

    private static string ResolvePlanDirectory(PipelineAppOptions options, string callerFilePath)
    {
        if (options.PlanDirectory is { } d) return Path.GetFullPath(d);
        var dir = string.IsNullOrEmpty(callerFilePath) ? null : Path.GetDirectoryName(callerFilePath);
        return dir is not null && Directory.Exists(dir) ? dir : Environment.CurrentDirectory;
    }
}
