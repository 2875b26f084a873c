namespace MlPipelines.Pipelines;

/// <summary>What a <see cref="CodeStep"/> delegate gets at run time: resolved paths, parameters, a log and cancellation.</summary>
public abstract class CodeContext
{
    /// <summary>The step name.</summary>
    public abstract string StepName { get; }
    /// <summary>The step's child run id in the workspace.</summary>
    public abstract string RunId { get; }
    /// <summary>The step's output folder (each declared output is a file or folder inside it).</summary>
    public abstract string OutputDirectory { get; }
    /// <summary>The workspace the pipeline runs in (registry, endpoints, runs).</summary>
    public abstract MlPipelines.Core.Workspaces.IWorkspace Workspace { get; }
    /// <summary>Canceled on Ctrl+C, SIGTERM or the step's timeout.</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>The local path of an input artifact (or, for registry/image/deployment references, its value).</summary>
    public abstract string Input(ArtifactRef artifact);
    /// <summary>The local path where this step writes one of its declared outputs.</summary>
    public abstract string Output(ArtifactRef artifact);
    /// <summary>The value of a parameter as invariant text.</summary>
    public abstract string Parameter(string name);
    /// <summary>Writes a line to the step's log (and the console, prefixed with the step name).</summary>
    public abstract void Log(string line);
}
