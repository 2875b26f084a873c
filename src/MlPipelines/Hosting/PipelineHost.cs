using System.Globalization;
using System.Text;
using MlPipelines.Compute;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Workspaces;
using MlPipelines.Pipelines;
using MlPipelines.Pipelines.Compiler;
using MlPipelines.Pipelines.Parameters;
using MlPipelines.Runner;
using MlPipelines.Workspace;
using MlPipelines.Workspace.Remote;

namespace MlPipelines.Hosting;

/// <summary>Shared services of the pipeline program's commands: compiling, workspace, options.</summary>
internal sealed class PipelineHost(Func<Pipeline> create, PipelineAppOptions options, string planDirectory)
{
    public PipelineAppOptions Options { get; } = options;
    public string PlanDirectory { get; } = planDirectory;
    public TextWriter Out => Options.Out ?? Console.Out;
    public TextWriter Error => Options.Error ?? Console.Error;
    public string PipelineName { get; } = create().Name;
    public string PlanPath => Path.Combine(PlanDirectory, PipelineName + ".plan.json");

    /// <summary>
    /// What steps may name besides the definition's own: <c>local</c>, the compute targets registered in
    /// <paramref name="workspace"/> (when one is found) and those the program adds in code; the workspace's registered environments.
    /// </summary>
    public WorkspaceCatalog Catalog(IWorkspace? workspace) => new(
        ComputeTargetFactory.Registry(workspace, Options.ComputeTargets),
        workspace is null ? [] : workspace.Environments.List().GroupBy(e => e.Name).Select(g => g.First())
            .Select(e => new Pipelines.Plan.PlanEnvironment(e.Name, e.Kind, Core.Environments.EnvironmentSpec.DefinitionHash(e.Kind, e.Definition), e.Definition))
            .ToList());

    /// <summary>Compiles against the catalog of the workspace found from the project folder (without creating one).</summary>
    public CompiledPipeline Compile(ParameterInput parameters)
    {
        using var ws = TryOpenWorkspace(null, Options.SourceDirectory ?? PlanDirectory);
        return Compile(parameters, Catalog(ws));
    }

    /// <summary>Compiles against the given catalog.</summary>
    public CompiledPipeline Compile(ParameterInput parameters, WorkspaceCatalog catalog) =>
        PipelineCompiler.Compile(create(), new CompileOptions { Parameters = parameters, ComputeTargets = catalog.Targets.Names, Environments = catalog.Environments });

    /// <summary>
    /// Opens the workspace from --workspace, MLP_WORKSPACE or the nearest .mlp/ from <paramref name="start"/> (the
    /// pipeline project folder, or --base-dir) upwards — not from the current folder, so the same program finds the same
    /// workspace wherever it is started. When none exists and none was named, one is created at the root of the
    /// repository holding <paramref name="start"/> (the nearest folder with <c>.git</c>), else in <paramref name="start"/>.
    /// </summary>
    public IWorkspace OpenWorkspace(string? path, bool createIfMissing, string start)
    {
        if (WorkspaceConnector.IsRemote(path)) return WorkspaceConnector.Open(path, start);
        var env = new Dictionary<string, string?> { [WorkspaceLocator.EnvironmentVariable] = Environment.GetEnvironmentVariable(WorkspaceLocator.EnvironmentVariable) };
        var named = !string.IsNullOrWhiteSpace(path) || !string.IsNullOrWhiteSpace(env[WorkspaceLocator.EnvironmentVariable]);
        string location;
        try
        {
            location = WorkspaceLocator.Resolve(path, start, env);
        }
        catch (MlpException) when (!named && createIfMissing)
        {
            var ws = LocalWorkspace.Init(RepositoryRoot(start) ?? start);
            Error.WriteLine($"No workspace found; created one at '{ws.Info.Location}'.");
            return ws;
        }
        return LocalWorkspace.Open(location);
    }

    private static string? RepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var git = Path.Combine(dir.FullName, ".git");
            if (Directory.Exists(git) || File.Exists(git)) return dir.FullName;
        }
        return null;
    }

    /// <summary>The workspace named or found, or null when none exists and none was named.</summary>
    public IWorkspace? TryOpenWorkspace(string? path, string start)
    {
        var named = !string.IsNullOrWhiteSpace(path) || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(WorkspaceLocator.EnvironmentVariable));
        if (named) return OpenWorkspace(path, createIfMissing: false, start);
        var env = new Dictionary<string, string?>();
        string location;
        try { location = WorkspaceLocator.Resolve(null, start, env); }
        catch (MlpException) { return null; }
        return LocalWorkspace.Open(location);
    }

    public string SourceHash(IWorkspace ws, Pipelines.Plan.PipelinePlan plan, string baseDirectory, bool remember = true)
    {
        var dataPaths = plan.Data.Where(d => d.Path is not null).Select(d => Path.GetFullPath(d.Path!, baseDirectory));
        // The code part of cache keys: files not matched by .gitignore/.mlpignore, without build outputs.
        var root = Options.SourceDirectory ?? PlanDirectory;
        return SourceHasher.Hash(ws.FileHashes, root, dataPaths, remember, Workspace.Snapshots.SourceFiles.Walk(root),
            w => Error.WriteLine("warning: " + w));
    }

    public string Description()
    {
        var sb = new StringBuilder($"Pipeline '{PipelineName}': compile it into a plan, see what would run, run it.");
        var ps = PipelineCompiler.DescribeParameters(create());
        sb.Append("\n\nParameters (--param NAME=VALUE, MLP_PARAM_NAME, or --params-file FILE.json):");
        if (ps.Count == 0) sb.Append("\n  (none)");
        foreach (var p in ps)
        {
            var type = p.Allowed is { } a ? string.Join("|", a) : p.Type;
            sb.Append(CultureInfo.InvariantCulture, $"\n  {p.Name} ({type}, default {(p.Default.Length == 0 ? "''" : p.Default)})  {p.Description}");
        }
        sb.Append("\n\nExit codes: 0 success, 1 a step failed (or the plan is stale with compile --check), 2 invalid definition or arguments, 130 canceled.");
        return sb.ToString();
    }

    /// <summary>Runs a command body, mapping MlpException to its documented exit code with the message on stderr.</summary>
    public async Task<int> GuardAsync(Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (MlpException e)
        {
            Error.WriteLine("error: " + e.Message);
            return ExitCodes.For(e.Kind);
        }
        catch (OperationCanceledException)
        {
            Error.WriteLine("error: Canceled.");
            return ExitCodes.Canceled;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug, not the user's input: say what happened without a .NET type name or stack unless asked for.
            Error.WriteLine($"error: Unexpected error: {e.Message} (set MLP_DEBUG=1 to see where it happened)");
            if (Environment.GetEnvironmentVariable("MLP_DEBUG") == "1") Error.WriteLine(e.ToString());
            return ExitCodes.Failed;
        }
    }
}

/// <summary>The compute targets and registered environments a workspace offers to a pipeline.</summary>
internal sealed record WorkspaceCatalog(ComputeTargetRegistry Targets, IReadOnlyList<Pipelines.Plan.PlanEnvironment> Environments);
