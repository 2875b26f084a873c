using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using MlPipelines.Core.Errors;

namespace MlPipelines.Compute.Kubernetes;

/// <summary>Turns API client failures into <see cref="MlpException"/>s that say what was asked, of which server, and what it answered.</summary>
internal static class KubernetesApiErrors
{
    /// <summary>True for the failures of talking to the API server (as opposed to bugs).</summary>
    public static bool IsApiFailure(Exception e) => e is HttpOperationException or HttpRequestException or IOException or KubernetesException or System.Text.Json.JsonException;

    /// <summary>The failure of <paramref name="what"/> (e.g. "create Job 'x' in namespace 'ml'") as the user sees it.</summary>
    public static MlpException Wrap(string target, string what, Exception e)
    {
        if (e is HttpOperationException http)
        {
            var status = http.Response?.StatusCode;
            var message = ServerMessage(http) ?? http.Message;
            var text = $"Compute target '{target}' could not {what}: the API server answered {(int?)status} {status}: {message}";
            return status switch
            {
                HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity or HttpStatusCode.NotFound or HttpStatusCode.Conflict => MlpException.Invalid(text),
                _ => MlpException.Failed(text, e),
            };
        }
        if (e is OperationCanceledException)
            return MlpException.Unavailable($"Compute target '{target}' could not {what}: the API server did not answer within {KubernetesJobRun.CallTimeout.TotalSeconds:0} s.", e);
        return MlpException.Unavailable($"Compute target '{target}' could not {what}: {e.Message}", e);
    }

    /// <summary>True when the server said the object does not exist.</summary>
    public static bool IsNotFound(Exception e) => e is HttpOperationException { Response.StatusCode: HttpStatusCode.NotFound };

    private static string? ServerMessage(HttpOperationException e)
    {
        var content = e.Response?.Content;
        if (string.IsNullOrWhiteSpace(content)) return null;
        try
        {
            return KubernetesJson.Deserialize<V1Status>(content)?.Message ?? content;
        }
        catch (System.Text.Json.JsonException)
        {
            return content.Length > 500 ? content[..500] : content;
        }
    }
}
