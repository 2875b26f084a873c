namespace MlPipelines.Core.Errors;

/// <summary>What kind of failure an <see cref="MlpException"/> reports; the CLI maps each kind to an exit code.</summary>
public enum ErrorKind
{
    /// <summary>The user gave a bad name, argument, definition or file (exit code 2).</summary>
    InvalidInput,
    /// <summary>A named thing (run, model, dataset, endpoint…) does not exist (exit code 2).</summary>
    NotFound,
    /// <summary>The request conflicts with current state, e.g. deleting a model version an alias points at (exit code 2).</summary>
    Conflict,
    /// <summary>A step, run or external process failed (exit code 1).</summary>
    Failed,
    /// <summary>The operation was canceled by the user or a signal (exit code 130).</summary>
    Canceled,
    /// <summary>An external service (Docker engine, registry, workspace server) is unreachable (exit code 1).</summary>
    Unavailable,
}
