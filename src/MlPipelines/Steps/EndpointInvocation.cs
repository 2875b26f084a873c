using System.Net.Http.Headers;
using System.Text;
using MlPipelines.Core.Errors;
using MlPipelines.Pipelines;

namespace MlPipelines.Steps;

/// <summary>The answer of an endpoint to one scoring request.</summary>
/// <param name="Deployment">The deployment that served it (from the <c>azureml-model-deployment</c> response header), if known.</param>
/// <param name="Body">The JSON response body.</param>
public sealed record EndpointAnswer(string? Deployment, string Body);

/// <summary>Scoring an endpoint of the workspace from a <c>Code</c> step (e.g. a smoke test after a deploy step).</summary>
public static class EndpointInvocation
{
    /// <summary>
    /// POSTs <paramref name="json"/> to endpoint <paramref name="endpointName"/> with its primary key, logs request and
    /// answer to the step's log, and returns the answer; a non-success status fails the step with the body quoted.
    /// </summary>
    public static async Task<EndpointAnswer> InvokeEndpointAsync(this CodeContext ctx, string endpointName, string json, string? deployment = null)
    {
        var endpoint = ctx.Workspace.Endpoints.FindEndpoint(endpointName)
            ?? throw MlpException.NotFound("endpoint", endpointName, ctx.Workspace.Endpoints.ListEndpoints().Select(e => e.Name));
        if (endpoint.Url is null)
            throw MlpException.Failed($"Endpoint '{endpointName}' has no URL yet; is its router running? Try 'mlp endpoint start'.");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (endpoint.AuthMode == "key") request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.PrimaryKey);
        if (deployment is not null) request.Headers.Add("azureml-model-deployment", deployment);
        HttpResponseMessage response;
        try { response = await http.SendAsync(request, ctx.CancellationToken).ConfigureAwait(false); }
        catch (HttpRequestException e)
        {
            throw MlpException.Unavailable($"Endpoint '{endpointName}' at {endpoint.Url} is not answering ({e.Message}); start the workspace's endpoints with 'mlp endpoint start'.", e);
        }
        using var _ = response;
        var body = await response.Content.ReadAsStringAsync(ctx.CancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw MlpException.Failed($"Endpoint '{endpointName}' answered {(int)response.StatusCode}: {body}");
        var served = response.Headers.TryGetValues("azureml-model-deployment", out var d) ? d.FirstOrDefault() : null;
        ctx.Log($"POST {endpoint.Url} {json}");
        ctx.Log($"Prediction{(served is null ? "" : $" from deployment '{served}'")}: {body}");
        return new EndpointAnswer(served, body);
    }
}
