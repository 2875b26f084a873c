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

    public async Task ForwardAsync(HttpContext context, DeploymentRoute route, IncomingRequest request, long maxBodyBytes)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = Outcome.Error;
        try
        {
            outcome = await ForwardCoreAsync(context, route, request, maxBodyBytes);
        }
        finally
        {
            // A client's fault (bad body, hang-up) says nothing about the deployment: it counts neither as a request
            // nor as an error, so a stream of bad requests cannot fail a rollout's error-rate or latency check.
            if (outcome != Outcome.ClientFault)
                route.Stats.RecordRequest(Stopwatch.GetElapsedTime(started).TotalMilliseconds, outcome == Outcome.Error);
        }
    }

    /// <summary>How one forwarded request ended, as the deployment's stats see it.</summary>
    private enum Outcome { Ok, Error, ClientFault }

    private async Task<Outcome> ForwardCoreAsync(HttpContext context, DeploymentRoute route, IncomingRequest request, long maxBodyBytes)
    {
        var instance = route.NextHealthy();
        if (instance is null)
        {
            await RouterResponses.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable,
                $"Deployment '{route.Name}' has no healthy instance.");
            return Outcome.Error;
        }
        var timeout = _timeouts.TryDequeue(out var pooled) ? pooled : new CancellationTokenSource();
        timeout.CancelAfter(route.TimeoutMs);
        try
        {
            return await SendAndCopyAsync(context, route, request, instance, timeout, maxBodyBytes);
        }
        catch (Exception e) when (RouterResponses.ClientFault(e) is { } bad)
        {
            await RouterResponses.ClientFaultAsync(context, bad, maxBodyBytes);
            return Outcome.ClientFault;
        }
        finally
        {
            if (timeout.TryReset()) _timeouts.Enqueue(timeout);
            else timeout.Dispose();
        }
    }

    private async Task<Outcome> SendAndCopyAsync(HttpContext context, DeploymentRoute route, IncomingRequest request, InstanceState instance,
        CancellationTokenSource timeout, long maxBodyBytes)
    {
        HttpResponseMessage? response = null;
        for (var attempt = 0; response is null; attempt++)
        {
            using var message = request.ToMessage(instance.Address, route.InstanceSecret);
            try
            {
                response = await client.SendAsync(message, timeout.Token);
                instance.RecordSuccess();
            }
            catch (HttpRequestException e) when (RouterResponses.ClientFault(e) is { } bad)
            {
                // The client's body was bad (chunked encoding, over the limit): not the instance's failure.
                await RouterResponses.ClientFaultAsync(context, bad, maxBodyBytes);
                return Outcome.ClientFault;
            }
            catch (HttpRequestException e) when (!timeout.IsCancellationRequested)
            {
                instance.RecordTransportFailure(e.HttpRequestError == HttpRequestError.ConnectionError);
                var other = attempt == 0 && request.Replayable ? route.NextHealthy(exclude: instance) : null;
                if (other is null)
                {
                    await RouterResponses.ErrorAsync(context, StatusCodes.Status502BadGateway,
                        $"Deployment '{route.Name}' did not answer: {e.Message}");
                    return Outcome.Error;
                }
                route.Stats.RecordRetry();
                instance = other;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
            {
                await RouterResponses.ErrorAsync(context, StatusCodes.Status504GatewayTimeout,
                    $"Deployment '{route.Name}' did not answer within {route.TimeoutMs} ms.");
                return Outcome.Error;
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
                var clientGone = context.RequestAborted.IsCancellationRequested; // checked before Abort, which sets it
                context.Abort();
                return clientGone ? Outcome.ClientFault : Outcome.Error;
            }
            return status >= 500 ? Outcome.Error : Outcome.Ok;
        }
    }
}
