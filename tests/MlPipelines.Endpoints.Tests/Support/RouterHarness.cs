using System.Net.Http.Headers;
using MlPipelines.Endpoints.Routing;

namespace MlPipelines.Endpoints.Tests.Support;

/// <summary>Backends plus an in-process router in front of them, torn down together.</summary>
internal sealed class RouterHarness : IAsyncDisposable
{
    public const string Key = "primary-key-0123456789";
    public const string Secondary = "secondary-key-0123456789";

    public List<StandInBackend> Backends { get; } = [];
    public EndpointRouter Router { get; private set; } = null!;
    public HttpClient Http { get; } = new();

    public static async Task<RouterHarness> StartAsync(IDictionary<string, int> instancesPerDeployment, IReadOnlyDictionary<string, int> traffic,
        IReadOnlyDictionary<string, int>? mirror = null, string auth = "key", params string[] backendArgs)
    {
        var h = new RouterHarness();
        var tasks = instancesPerDeployment.SelectMany(d => Enumerable.Range(0, d.Value).Select(_ => StandInBackend.StartAsync(d.Key, backendArgs))).ToList();
        h.Backends.AddRange(await Task.WhenAll(tasks));
        h.Router = await EndpointRouter.StartAsync(h.Config(traffic, mirror, auth));
        return h;
    }

    public EndpointRouteConfig Config(IReadOnlyDictionary<string, int> traffic, IReadOnlyDictionary<string, int>? mirror = null, string auth = "key") => new()
    {
        Name = "iris",
        AuthMode = auth,
        PrimaryKey = Key,
        SecondaryKey = Secondary,
        Traffic = traffic,
        Mirror = mirror ?? new Dictionary<string, int>(),
        Deployments = Backends.GroupBy(b => b.Name).Select(g => new DeploymentRouteConfig(g.Key, g.Select(b => b.Address).ToList())).ToList(),
    };

    public HttpRequestMessage Score(string? key = Key, string? pin = null)
    {
        var m = new HttpRequestMessage(HttpMethod.Post, Router.Address + "/score") { Content = new StringContent("{\"data\":[[1,2,3,4]]}", System.Text.Encoding.UTF8, "application/json") };
        if (key is not null) m.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (pin is not null) m.Headers.Add("azureml-model-deployment", pin);
        return m;
    }

    /// <summary>Sends a scoring request and returns (status, deployment that answered).</summary>
    public async Task<(int Status, string? Deployment)> InvokeAsync(string? key = Key, string? pin = null)
    {
        using var response = await Http.SendAsync(Score(key, pin));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) return ((int)response.StatusCode, text);
        using var doc = System.Text.Json.JsonDocument.Parse(text);
        return ((int)response.StatusCode, doc.RootElement.GetProperty("deployment").GetString());
    }

    public async ValueTask DisposeAsync()
    {
        if (Router is not null) await Router.DisposeAsync();
        foreach (var b in Backends) b.Dispose();
        Http.Dispose();
    }
}
