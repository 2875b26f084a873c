using MlPipelines.Core.Errors;
using MlPipelines.Runner.Execution;

namespace MlPipelines.Runner.Scheduling;

/// <summary>The one rule deciding whether a failed attempt is worth another one.</summary>
internal static class Retries
{
    /// <summary>Invalid input (a bad definition or a command that cannot start) fails the same way every time.</summary>
    internal static bool IsRetryable(MlpException e) => e.Kind != ErrorKind.InvalidInput;

    /// <summary>Whether a failed attempt may be retried.</summary>
    internal static bool IsRetryable(StepResult result) => result.Retryable;
}
