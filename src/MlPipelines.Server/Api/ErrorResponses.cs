using System.Text.Json;
using Microsoft.AspNetCore.Http;
using MlPipelines.Core.Errors;

namespace MlPipelines.Server.Api;

/// <summary>The JSON error body of every failed request.</summary>
public sealed record ErrorBody(string Error, string CorrelationId, IReadOnlyList<string>? Details = null);

/// <summary>Maps failures to HTTP statuses and the one error body shape.</summary>
internal static class ErrorResponses
{
    public static int StatusFor(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidInput => StatusCodes.Status400BadRequest,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        ErrorKind.Canceled => 499,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Turns an exception into a status and message; null when it is not one the API explains.</summary>
    public static (int Status, string Message, IReadOnlyList<string>? Details)? Explain(Exception e, long maxBody)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is MlpException m) return (StatusFor(m.Kind), m.Message, m.Details.Count > 0 ? m.Details : null);
            if (x is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
                return (413, $"The request body is larger than the limit of {maxBody} bytes.", null);
            if (x is JsonException j)
                return (400, $"Malformed JSON at '{j.Path ?? "$"}': {FirstSentence(j.Message)}", null);
        }
        return e is BadHttpRequestException b ? (b.StatusCode, b.Message, null) : null;
    }

    public static Task Write(HttpContext context, int status, string message, IReadOnlyList<string>? details = null)
    {
        context.Response.StatusCode = status;
        context.Items[typeof(ErrorBody)] = message;
        return context.Response.WriteAsJsonAsync(new ErrorBody(message, context.TraceIdentifier, details));
    }

    private static string FirstSentence(string s) => s.Split(". Path:")[0].Split(" Path:")[0].TrimEnd('.') + ".";
}
