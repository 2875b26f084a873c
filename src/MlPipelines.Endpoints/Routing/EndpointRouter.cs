using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace MlPipelines.Endpoints.Routing;

/// <summary>
/// The reverse proxy in front of one endpoint: a Kestrel listener on 127.0.0.1 that checks the key, picks a
/// deployment by weight (or the one pinned by <c>azureml-model-deployment</c>), mirrors a share of requests,
/// forwards to a healthy instance and streams the answer. <see cref="Update"/> swaps the routing table atomically.
/// Admin: <c>GET /__mlp/stats</c> (authenticated like scoring requests) returns <see cref="RouterStats"/>.
/// </summary>
public sealed class EndpointRouter : IAsyncDisposable
{
    /// <summary>Path of the stats admin endpoint.</summary>
    public const string StatsPath = "/__mlp/stats";

    private readonly ConcurrentDictionary<string, InstanceState> _instances = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DeploymentStats> _stats = new(StringComparer.Ordinal);
    private readonly HttpMessageInvoker _client;
    private readonly ProxyForwarder _forwarder;
    private readonly MirrorDispatcher _mirror;
    private readonly WebApplication _app;
    private readonly HealthProber _prober;
    private RouteTable _table;
    private long _unauthorized;

    private EndpointRouter(EndpointRouteConfig config, int port, TimeSpan healthInterval)
    {
        _table = RouteTable.Build(config, _instances, _stats);
        _client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ActivityHeadersPropagator = null,
        });
        _forwarder = new ProxyForwarder(_client);
        _mirror = new MirrorDispatcher(_client);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 100L * 1024 * 1024; // replaced per request by the table's limit
            MlPipelines.Http.RequestLimits.Configure(k.Limits);
            k.Listen(IPAddress.Loopback, port);
        });
        _app = builder.Build();
        _app.Run(HandleAsync);
        _prober = new HealthProber(() => Volatile.Read(ref _table), healthInterval);
    }

    /// <summary>The endpoint name.</summary>
    public string Name => Volatile.Read(ref _table).Endpoint;

    /// <summary>Base address the router listens on, e.g. <c>http://127.0.0.1:5123</c>.</summary>
    public string Address { get; private set; } = "";

    /// <summary>Starts a router on 127.0.0.1:<paramref name="port"/> (0 picks a free port).</summary>
    public static async Task<EndpointRouter> StartAsync(EndpointRouteConfig config, int port = 0, TimeSpan? healthInterval = null, CancellationToken ct = default)
    {
        var router = new EndpointRouter(config, port, healthInterval ?? TimeSpan.FromSeconds(1));
        await router._app.StartAsync(ct);
        var addresses = router._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        router.Address = addresses.Addresses.First().Replace("[::1]", "127.0.0.1").TrimEnd('/');
        return router;
    }

    /// <summary>Replaces the routing table (traffic, mirror, keys, instances) for all new requests; in-flight ones finish unchanged.</summary>
    public void Update(EndpointRouteConfig config)
    {
        var table = RouteTable.Build(config, _instances, _stats);
        Volatile.Write(ref _table, table);
        var live = table.Deployments.Values.SelectMany(d => d.Instances).Select(i => i.Address).ToHashSet(StringComparer.Ordinal);
        foreach (var key in _instances.Keys)
            if (!live.Contains(key)) _instances.TryRemove(key, out _);
    }

    /// <summary>Runs one round of health checks now (used after instances change).</summary>
    public Task ProbeNowAsync() => _prober.ProbeAllAsync();

    /// <summary>True when the instance at <paramref name="address"/> currently receives traffic.</summary>
    public bool IsInstanceHealthy(string address) => _instances.TryGetValue(address.TrimEnd('/'), out var s) && s.Healthy;

    /// <summary>Current cumulative counters of every deployment.</summary>
    public RouterStats GetStats()
    {
        var table = Volatile.Read(ref _table);
        var list = _stats.Where(s => table.Deployments.ContainsKey(s.Key)).OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => s.Value.Snapshot(s.Key)).ToList();
        return new RouterStats(table.Endpoint, list, Interlocked.Read(ref _unauthorized));
    }

    private async Task HandleAsync(HttpContext context)
    {
        var table = Volatile.Read(ref _table);
        if (MlPipelines.Http.RequestLimits.Check(context.Request) is { } broken)
        {
            await RouterResponses.ErrorAsync(context, broken.Status, broken.Message);
            return;
        }
        if (table.RequireKey && !KeyCheck.IsAuthorized(context.Request.Headers.Authorization, table))
        {
            Interlocked.Increment(ref _unauthorized);
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await RouterResponses.ErrorAsync(context, StatusCodes.Status401Unauthorized,
                $"Endpoint '{table.Endpoint}' needs 'Authorization: Bearer KEY' with its primary or secondary key.");
            return;
        }
        if (context.Request.Path.StartsWithSegments("/__mlp", StringComparison.Ordinal))
        {
            if (context.Request.Path.Equals(StatsPath, StringComparison.Ordinal)) await RouterResponses.JsonAsync(context, GetStats());
            else await RouterResponses.ErrorAsync(context, StatusCodes.Status404NotFound, $"Unknown admin path; expected '{StatsPath}'.");
            return;
        }

        DeploymentRoute? route;
        var pinned = context.Request.Headers[ProxyHeaders.PinHeader];
        if (!StringValues.IsNullOrEmpty(pinned))
        {
            if (!table.Deployments.TryGetValue(pinned.ToString(), out route))
            {
                await RouterResponses.ErrorAsync(context, StatusCodes.Status404NotFound,
                    $"Unknown deployment '{pinned}' in header '{ProxyHeaders.PinHeader}' of endpoint '{table.Endpoint}'; " +
                    (table.Deployments.Count == 0 ? "it has no deployments." : $"available: {table.DeploymentNames}."));
                return;
            }
        }
        else if ((route = table.PickByWeight()) is null)
        {
            await RouterResponses.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable,
                $"Endpoint '{table.Endpoint}' sends no traffic to any deployment; set it with 'mlp endpoint traffic {table.Endpoint} NAME=100'" +
                (table.Deployments.Count == 0 ? " after creating a deployment." : $" (deployments: {table.DeploymentNames})."));
            return;
        }

        // Client mistakes are answered here with 4xx and never reach (or count against) the deployment.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = table.MaxBodyBytes;
        if (context.Request.ContentLength > table.MaxBodyBytes)
        {
            await RouterResponses.ClientFaultAsync(context, new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge), table.MaxBodyBytes);
            return;
        }
        IncomingRequest request;
        try
        {
            request = await IncomingRequest.ReadAsync(context.Request, context.RequestAborted);
        }
        catch (BadHttpRequestException bad)
        {
            await RouterResponses.ClientFaultAsync(context, bad, table.MaxBodyBytes);
            return;
        }
        if (StringValues.IsNullOrEmpty(pinned) && table.Mirrors.Length > 0) _mirror.Dispatch(table, request);
        await _forwarder.ForwardAsync(context, route, request, table.MaxBodyBytes);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _prober.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _client.Dispose();
    }
}
