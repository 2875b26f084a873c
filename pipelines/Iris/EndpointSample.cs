using System.Net.Http.Headers;
using System.Text;
using MlPipelines.Core.Errors;
using MlPipelines.Pipelines;

namespace Iris.Pipeline;

/// <summary>The 'invoke' step: scores one flower through the endpoint (router → deployment → scorer) and prints the answer.</summary>
internal static class EndpointSample
{
    private const string Sample = """{"data": [[5.9, 3.0, 5.1, 1.8]]}""";

    public static async Task InvokeAsync(CodeContext ctx, string endpointName)
    {
        var endpoint = ctx.Workspace.Endpoints.FindEndpoint(endpointName)
            ?? throw MlpException.NotFound("endpoint", endpointName, ctx.Workspace.Endpoints.ListEndpoints().Select(e => e.Name));
        if (endpoint.Url is null) throw MlpException.Failed($"Endpoint '{endpointName}' has no URL yet; is its router running? Try 'mlp endpoint start'.");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new StringContent(Sample, Encoding.UTF8, "application/json") };
        if (endpoint.AuthMode == "key") request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.PrimaryKey);
        using var response = await http.SendAsync(request, ctx.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(ctx.CancellationToken);
        if (!response.IsSuccessStatusCode)
            throw MlpException.Failed($"Endpoint '{endpointName}' answered {(int)response.StatusCode}: {body}");
        var deployment = response.Headers.TryGetValues("azureml-model-deployment", out var d) ? d.FirstOrDefault() : null;
        ctx.Log($"POST {endpoint.Url} {Sample}");
        ctx.Log($"Prediction{(deployment is null ? "" : $" from deployment '{deployment}'")}: {body}");
    }
}
