namespace MlPipelines.Endpoints.Routing;

/// <summary>
/// Sends copies of requests to mirror deployments on the thread pool; responses are discarded and the caller never
/// waits. At most <see cref="MaxInFlight"/> copies are outstanding; beyond that copies are dropped (and counted as errors).
/// </summary>
internal sealed class MirrorDispatcher(HttpMessageInvoker client)
{
    public const int MaxInFlight = 256;
    private int _inFlight;

    public void Dispatch(RouteTable table, IncomingRequest request)
    {
        if (!request.Replayable) return;
        foreach (var (route, percent) in table.Mirrors)
        {
            if (Random.Shared.Next(100) >= percent) continue;
            var instance = route.NextHealthy();
            if (instance is null || Interlocked.Increment(ref _inFlight) > MaxInFlight)
            {
                if (instance is not null) Interlocked.Decrement(ref _inFlight);
                route.Stats.RecordMirror(error: true);
                continue;
            }
            ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Self.SendAsync(state.Route, state.Instance, state.Request),
                (Self: this, Route: route, Instance: instance, Request: request), preferLocal: false);
        }
    }

    private async Task SendAsync(DeploymentRoute route, InstanceState instance, IncomingRequest request)
    {
        var error = true;
        try
        {
            using var cts = new CancellationTokenSource(route.TimeoutMs);
            using var message = request.ToMessage(instance.Address, route.InstanceSecret);
            using var response = await client.SendAsync(message, cts.Token);
            await response.Content.CopyToAsync(Stream.Null, cts.Token);
            error = (int)response.StatusCode >= 500;
            instance.RecordSuccess();
        }
        catch (HttpRequestException e)
        {
            instance.RecordTransportFailure(e.HttpRequestError == HttpRequestError.ConnectionError);
        }
        catch (OperationCanceledException)
        {
            // timed out: counted as an error below
        }
        finally
        {
            route.Stats.RecordMirror(error);
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
