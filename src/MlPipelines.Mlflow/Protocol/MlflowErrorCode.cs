namespace MlPipelines.Mlflow.Protocol;

/// <summary>The error codes of MLflow's <c>databricks.proto</c> this API answers with, and their HTTP statuses (as MLflow maps them).</summary>
public static class MlflowErrorCode
{
    /// <summary>A field is missing, malformed or out of range (400).</summary>
    public const string InvalidParameterValue = "INVALID_PARAMETER_VALUE";
    /// <summary>The request is malformed (400).</summary>
    public const string BadRequest = "BAD_REQUEST";
    /// <summary>The experiment, run or metric does not exist (404).</summary>
    public const string ResourceDoesNotExist = "RESOURCE_DOES_NOT_EXIST";
    /// <summary>A resource of that name exists (400, as in MLflow).</summary>
    public const string ResourceAlreadyExists = "RESOURCE_ALREADY_EXISTS";
    /// <summary>The path is not an MLflow endpoint this server knows (404).</summary>
    public const string EndpointNotFound = "ENDPOINT_NOT_FOUND";
    /// <summary>The request conflicts with the resource's state (409).</summary>
    public const string ResourceConflict = "RESOURCE_CONFLICT";
    /// <summary>No valid token (401).</summary>
    public const string Unauthenticated = "UNAUTHENTICATED";
    /// <summary>The token's roles do not allow the call (403).</summary>
    public const string PermissionDenied = "PERMISSION_DENIED";
    /// <summary>Too many requests (429).</summary>
    public const string RequestLimitExceeded = "REQUEST_LIMIT_EXCEEDED";
    /// <summary>A field or feature MLflow has and this API does not (501).</summary>
    public const string NotImplemented = "NOT_IMPLEMENTED";
    /// <summary>A store or service is unreachable (503).</summary>
    public const string TemporarilyUnavailable = "TEMPORARILY_UNAVAILABLE";
    /// <summary>An unexpected failure (500).</summary>
    public const string InternalError = "INTERNAL_ERROR";

    /// <summary>The HTTP status MLflow answers an error code with.</summary>
    public static int StatusOf(string code) => code switch
    {
        InvalidParameterValue or BadRequest or ResourceAlreadyExists => 400,
        Unauthenticated => 401,
        PermissionDenied => 403,
        ResourceDoesNotExist or EndpointNotFound => 404,
        ResourceConflict => 409,
        RequestLimitExceeded => 429,
        NotImplemented => 501,
        TemporarilyUnavailable => 503,
        _ => 500,
    };
}
