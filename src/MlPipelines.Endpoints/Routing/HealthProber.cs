namespace MlPipelines.Endpoints.Routing;

/// <summary>Active health checks: every interval, <c>GET /health/ready</c> on every instance of the current table.</summary>
internal sealed class HealthProber : IAsyncDisposable
{
    public const string ReadyPath = "/health/ready";

    private readonly Func<RouteTable> _table;
    private readonly HttpClient _client;
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public HealthProber(Func<RouteTable> table, TimeSpan interval)
    {
        _table = table;
        _interval = interval;
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(2), ActivityHeadersPropagator = null })
        {
            Timeout = TimeSpan.FromSeconds(2),
        };
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Probes every instance once now.</summary>
    public Task ProbeAllAsync()
    {
        var instances = _table().Deployments.Values.SelectMany(d => d.Instances).Distinct().ToList();
        return Task.WhenAll(instances.Select(ProbeAsync));
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(_interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) await ProbeAllAsync();
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private async Task ProbeAsync(InstanceState instance)
    {
        try
        {
            using var response = await _client.GetAsync(instance.Address + ReadyPath, _stop.Token);
            if (response.IsSuccessStatusCode) instance.MarkHealthy();
            else instance.RecordFailedCheck(refused: false);
        }
        catch (HttpRequestException e)
        {
            instance.RecordFailedCheck(refused: e.HttpRequestError == HttpRequestError.ConnectionError);
        }
        catch (OperationCanceledException)
        {
            if (!_stop.IsCancellationRequested) instance.RecordFailedCheck(refused: false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _client.Dispose();
        _stop.Dispose();
    }
}
