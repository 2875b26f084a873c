namespace MlPipelines.Scoring;

/// <summary>
/// Thrown by <see cref="IScorer.Score"/> when the request itself is wrong (a missing field, a value out of range). The
/// scoring host answers 400 with <see cref="Exception.Message"/> as the error, and the request does not count as a
/// deployment error. An <see cref="ArgumentException"/> thrown by a scorer is treated the same way.
/// </summary>
public class ScoringInputException : Exception
{
    /// <summary>Creates the exception with a message meant for the caller.</summary>
    public ScoringInputException(string message) : base(message) { }

    /// <summary>Creates the exception with a message meant for the caller and the underlying cause.</summary>
    public ScoringInputException(string message, Exception innerException) : base(message, innerException) { }
}
