using MlPipelines.Core.Errors;

namespace MlPipelines.Mlflow.Protocol;

/// <summary>
/// An MLflow-shaped failure of one call: answered as <c>{"error_code": …, "message": …}</c> with the code's status.
/// Store errors (<see cref="MlpException"/>) are translated by <see cref="From"/>.
/// </summary>
public sealed class MlflowException(string errorCode, string message) : Exception(message)
{
    /// <summary>One of <see cref="MlflowErrorCode"/>.</summary>
    public string ErrorCode { get; } = errorCode;

    /// <summary>The HTTP status of <see cref="ErrorCode"/>.</summary>
    public int Status => MlflowErrorCode.StatusOf(ErrorCode);

    /// <summary>A bad or missing request field.</summary>
    public static MlflowException Invalid(string message) => new(MlflowErrorCode.InvalidParameterValue, message);

    /// <summary>Something MLflow offers that this API does not.</summary>
    public static MlflowException NotImplemented(string message) => new(MlflowErrorCode.NotImplemented, message);

    /// <summary>Maps a store error to MLflow's codes: bad input and state conflicts (a changed param) are INVALID_PARAMETER_VALUE, as MLflow answers them.</summary>
    public static MlflowException From(MlpException e) => new(e.Kind switch
    {
        ErrorKind.NotFound => MlflowErrorCode.ResourceDoesNotExist,
        ErrorKind.InvalidInput or ErrorKind.Conflict => MlflowErrorCode.InvalidParameterValue,
        ErrorKind.Unavailable => MlflowErrorCode.TemporarilyUnavailable,
        _ => MlflowErrorCode.InternalError,
    }, e.Message);
}
