using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MlPipelines.Compute.Kubernetes.Tests.FakeApi;

/// <summary>One request the fake server received.</summary>
internal sealed record FakeRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, string? Authorization, string? Body);

/// <summary>
/// A stand-in for the Kubernetes API server on 127.0.0.1 (Kestrel), serving the recorded objects of <c>Recorded/</c>
/// to the real KubernetesClient: create/delete Job, watch Jobs and pods (newline-delimited JSON events), list pods,
/// pod log (plain text, streamed). It records every request so tests can assert what the client asked for.
/// </summary>
internal sealed class FakeKubernetesApi : IAsyncDisposable
{
    public const string Token = "fake-token-7d1e";
    public const string PodSuffix = "x7k2p";
    private const string Uid = "0b4f7c2e-5a61-4d8e-b3c9-7e2d1a6f9c40";
    private readonly WebApplication _app;
    private readonly TaskCompletionSource _deleted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string _job = "unknown";
    private string _namespace = "default";

    private FakeKubernetesApi(WebApplication app) => _app = app;

    public FakeScenario Scenario { get; set; } = new();
    public ConcurrentQueue<FakeRequest> Requests { get; } = new();
    public string Url { get; private set; } = "";
    /// <summary>The body of the create call (the Job as the client sent it).</summary>
    public JsonObject? CreatedJob { get; private set; }
    public string PodName => $"{_job}-{PodSuffix}";
    public Task Deleted => _deleted.Task;

    public static async Task<FakeKubernetesApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var api = new FakeKubernetesApi(app);
        api.Map(app);
        await app.StartAsync();
        api.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return api;
    }

    /// <summary>A kubeconfig whose current context points at this server (namespace <paramref name="ns"/>, a bearer token).</summary>
    public string WriteKubeconfig(string directory, string ns = "default")
    {
        var path = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
              - name: fake
                cluster:
                  server: {Url}
            users:
              - name: tester
                user:
                  token: {Token}
            contexts:
              - name: fake
                context:
                  cluster: fake
                  user: tester
                  namespace: {ns}
            current-context: fake
            """);
        return path;
    }

    public IEnumerable<FakeRequest> Calls(string method, string pathContains) =>
        Requests.Where(r => r.Method == method && r.Path.Contains(pathContains, StringComparison.Ordinal));

    private void Map(WebApplication app)
    {
        app.Use(async (ctx, next) =>
        {
            string? body = null;
            if (ctx.Request.ContentLength is > 0 || ctx.Request.Method is "POST" or "DELETE")
                body = await new StreamReader(ctx.Request.Body).ReadToEndAsync();
            Requests.Enqueue(new FakeRequest(ctx.Request.Method, ctx.Request.Path.Value ?? "",
                ctx.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()), ctx.Request.Headers.Authorization.ToString(), body));
            ctx.Items["body"] = body;
            await next(ctx);
        });
        app.MapPost("/apis/batch/v1/namespaces/{ns}/jobs", (HttpContext ctx, string ns) => Create(ctx, ns));
        app.MapGet("/apis/batch/v1/namespaces/{ns}/jobs", (HttpContext ctx) => StreamAsync(ctx, Scenario.JobEvents, holdOpen: true));
        app.MapDelete("/apis/batch/v1/namespaces/{ns}/jobs/{name}", (string name) =>
        {
            _deleted.TrySetResult();
            var status = new JsonObject
            {
                ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success",
                ["details"] = new JsonObject { ["name"] = name, ["group"] = "batch", ["kind"] = "jobs", ["uid"] = Uid },
            };
            return Results.Text(status.ToJsonString(), "application/json");
        });
        app.MapGet("/api/v1/namespaces/{ns}/pods", (HttpContext ctx) => ctx.Request.Query["watch"] == "true"
            ? StreamAsync(ctx, Scenario.PodEvents, holdOpen: true)
            : Json(ctx, new JsonObject
            {
                ["apiVersion"] = "v1", ["kind"] = "PodList", ["metadata"] = new JsonObject { ["resourceVersion"] = "120" },
                ["items"] = new JsonArray(Scenario.PodList.Select(f => (JsonNode)Load(f)).ToArray()),
            }));
        app.MapGet("/api/v1/namespaces/{ns}/pods/{pod}/log", LogAsync);
    }

    private async Task Create(HttpContext ctx, string ns)
    {
        var job = JsonNode.Parse((string)ctx.Items["body"]!)!.AsObject();
        CreatedJob = job.DeepClone().AsObject();
        _job = job["metadata"]!["name"]!.GetValue<string>();
        _namespace = ns;
        if (Scenario.RejectCreateWith is { } status)
        {
            var answer = Load(status);
            ctx.Response.StatusCode = answer["code"]!.GetValue<int>();
            await Json(ctx, answer);
            return;
        }
        Scenario.OnCreated?.Invoke(_job);
        var meta = job["metadata"]!.AsObject();
        meta["uid"] = Uid;
        meta["resourceVersion"] = "99";
        meta["creationTimestamp"] = "2026-12-01T10:00:00Z";
        ctx.Response.StatusCode = 201;
        await Json(ctx, job);
    }

    private async Task StreamAsync(HttpContext ctx, List<FakeEvent> events, bool holdOpen)
    {
        ctx.Response.ContentType = "application/json";
        await ctx.Response.StartAsync();
        try
        {
            foreach (var e in events)
            {
                await Task.Delay(e.DelayMs, ctx.RequestAborted);
                var line = new JsonObject { ["type"] = e.Type, ["object"] = Load(e.File) }.ToJsonString() + "\n";
                await ctx.Response.WriteAsync(line, ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            }
            // A watch stays open until the client goes away (a real server closes it after minutes).
            if (holdOpen) await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
        }
        catch (OperationCanceledException) { }
    }

    private async Task LogAsync(HttpContext ctx)
    {
        ctx.Response.ContentType = "text/plain";
        await ctx.Response.StartAsync();
        try
        {
            foreach (var line in Scenario.LogLines)
            {
                await ctx.Response.WriteAsync(line + "\n", ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                await Task.Delay(20, ctx.RequestAborted);
            }
            if (Scenario.HoldLogUntilDeleted) await Deleted.WaitAsync(ctx.RequestAborted);
        }
        catch (OperationCanceledException) { }
    }

    private static Task Json(HttpContext ctx, JsonNode node)
    {
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync(node.ToJsonString());
    }

    private JsonObject Load(string file)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recorded", file))
            .Replace("{{job}}", _job).Replace("{{pod}}", PodName).Replace("{{namespace}}", _namespace).Replace("{{uid}}", Uid);
        return JsonNode.Parse(text)!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2))) await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
