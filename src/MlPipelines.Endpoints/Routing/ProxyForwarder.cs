using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace MlPipelines.Endpoints.Routing;

/// <summary>
/// Forwards one request to an instance of a deployment and streams the response back. A request that failed before
/// any response byte arrived (connection refused, reset, ended early) is retried once on another healthy instance
/// when its body is replayable; the failing instance is charged a passive failure.
/// </summary>
internal sealed class ProxyForwarder(HttpMessageInvoker client)
{
    // Timeout sources are pooled: a linked source per request costs more than the rest of the routing decision.
    private readonly System.Collections.Concurrent.ConcurrentQueue<CancellationTokenSource> _timeouts = new();

    public async Task ForwardAsync(HttpContext context, DeploymentRoute route, IncomingRequest request)
    {
        var started = Stopwatch.GetTimestamp();
        var error = true;
        try
        {
            error = await ForwardCoreAsync(context, route, request);
        }
        finally
        {
            route.Stats.RecordRequest(Stopwatch.GetElapsedTime(started).TotalMilliseconds, error);
        }
    }

    /// <returns>True when the request counts as an error (5xx or no answer).</returns>
    private async Task<bool> ForwardCoreAsync(HttpContext context, DeploymentRoute route, IncomingRequest request)
    {
        var instance = route.NextHealthy();
        if (instance is null)
        {
            await RouterResponses.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable,
                $"Deployment '{route.Name}' has no healthy instance.");
            return true;
        }
        var timeout = _timeouts.TryDequeue(out var pooled) ? pooled : new CancellationTokenSource();
        timeout.CancelAfter(route.TimeoutMs);
        try
        {
            return await SendAndCopyAsync(context, route, request, instance, timeout);
        }
        finally
        {
            if (timeout.TryReset()) _timeouts.Enqueue(timeout);
            else timeout.Dispose();
        }
    }

    private async Task<bool> SendAndCopyAsync(HttpContext context, DeploymentRoute route, IncomingRequest request, InstanceState instance, CancellationTokenSource timeout)
    {
        HttpResponseMessage? response = null;
        for (var attempt = 0; response is null; attempt++)
        {
            using var message = request.ToMessage(instance.Address);
            try
            {
                response = await client.SendAsync(message, timeout.Token);
                instance.RecordSuccess();
            }
            catch (HttpRequestException e) when (!timeout.IsCancellationRequested)
            {
                instance.RecordTransportFailure(e.HttpRequestError == HttpRequestError.ConnectionError);
                var other = attempt == 0 && request.Replayable ? route.NextHealthy(exclude: instance) : null;
                if (other is null)
                {
                    await RouterResponses.ErrorAsync(context, StatusCodes.Status502BadGateway,
                        $"Deployment '{route.Name}' did not answer: {e.Message}");
                    return true;
                }
                route.Stats.RecordRetry();
                instance = other;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
            {
                await RouterResponses.ErrorAsync(context, StatusCodes.Status504GatewayTimeout,
                    $"Deployment '{route.Name}' did not answer within {route.TimeoutMs} ms.");
                return true;
            }
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            context.Response.StatusCode = status;
            ProxyHeaders.CopyResponse(response, context.Response);
            context.Response.Headers[ProxyHeaders.PinHeader] = route.Name;
            try
            {
                await response.Content.CopyToAsync(context.Response.Body, timeout.Token);
            }
            catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
            {
                // The status line is gone already: the only honest signal left is to abort the connection.
                context.Abort();
                return true;
            }
            return status >= 500;
        }
    }
}
