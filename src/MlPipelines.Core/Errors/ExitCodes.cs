namespace MlPipelines.Core.Errors;

/// <summary>Documented process exit codes of <c>mlp</c> and of pipeline programs.</summary>
public static class ExitCodes
{
    /// <summary>Everything succeeded (a failed evaluation gate is a result, not an error).</summary>
    public const int Success = 0;
    /// <summary>A run or step failed, or an external service was unavailable.</summary>
    public const int Failed = 1;
    /// <summary>Invalid definition, argument, name or state.</summary>
    public const int InvalidInput = 2;
    /// <summary>Canceled by Ctrl+C or SIGTERM.</summary>
    public const int Canceled = 130;

    /// <summary>Maps an error kind to its exit code.</summary>
    public static int For(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidInput or ErrorKind.NotFound or ErrorKind.Conflict => InvalidInput,
        ErrorKind.Canceled => Canceled,
        _ => Failed,
    };
}
