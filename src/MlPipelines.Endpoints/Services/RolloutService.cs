using MlPipelines.Core.Errors;
using MlPipelines.Endpoints.Routing;

namespace MlPipelines.Endpoints.Services;

/// <summary>How a safe rollout proceeds and what counts as healthy between stages.</summary>
public sealed record RolloutOptions
{
    /// <summary>The new deployment.</summary>
    public required NewDeployment Deployment { get; init; }
    /// <summary>Traffic percentages of the new deployment, in order; the last should be 100.</summary>
    public IReadOnlyList<int> Stages { get; init; } = [10, 50, 100];
    /// <summary>Request body sent through the pinned header before any traffic moves; null uses the sample input recorded
    /// with the model (<see cref="SampleInput"/>) and skips the smoke test (saying so) when the model records none.</summary>
    public string? SmokeRequest { get; init; }
    /// <summary>Percent of live requests mirrored to the new deployment before the first stage (0: no mirror phase).</summary>
    public int MirrorPercent { get; init; }
    /// <summary>How long each stage (and the mirror phase) is observed before its check.</summary>
    public TimeSpan StageDuration { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Highest acceptable error rate (5xx or no answer) of the new deployment in a stage.</summary>
    public double MaxErrorRate { get; init; } = 0.01;
    /// <summary>Highest acceptable p95 latency of the new deployment in a stage.</summary>
    public double MaxP95Ms { get; init; } = 1000;
}

/// <summary>What a rollout did.</summary>
/// <param name="Succeeded">True when the last stage passed.</param>
/// <param name="Message">One-line summary (the failed check, or the final split).</param>
/// <param name="Traffic">The endpoint's traffic afterwards.</param>
/// <param name="Steps">What happened, in order.</param>
public sealed record RolloutResult(bool Succeeded, string Message, IReadOnlyDictionary<string, int> Traffic, IReadOnlyList<string> Steps);

/// <summary>
/// Safe rollout of a new deployment behind an endpoint: create at 0%, wait healthy, smoke-test through the pinned header,
/// optionally mirror, then shift traffic stage by stage, checking error rate and p95 latency from the router between
/// stages; a failed check restores the previous split. Every traffic change lands in the endpoint's history.
/// </summary>
public sealed class RolloutService(EndpointsContext context)
{
    /// <summary>Runs the rollout; a failed check is a result (Succeeded = false), not an exception.</summary>
    public async Task<RolloutResult> RunAsync(RolloutOptions options, CancellationToken ct = default)
    {
        var endpoints = new EndpointService(context);
        var deployments = new DeploymentService(context);
        var name = options.Deployment.Name;
        var endpoint = endpoints.Get(options.Deployment.Endpoint);
        var before = endpoint.Traffic.ToDictionary();
        var beforeMirror = endpoint.Mirror.ToDictionary();
        var steps = new List<string>();
        if (options.Stages.Count == 0 || options.Stages.Any(s => s is < 1 or > 100))
            throw MlpException.Invalid("Rollout stages must be percentages between 1 and 100, e.g. 10,50,100.");

        Core.Endpoints.DeploymentRecord created;
        try { created = await deployments.CreateAsync(options.Deployment, ct); }
        catch (MlpException e) when (e.Kind == ErrorKind.Failed)
        {
            steps.Add($"deployment '{name}' failed to start: {e.Message}");
            await deployments.DeleteAsync(endpoint.Name, name, force: true, ct);
            steps.Add($"deleted deployment '{name}'; traffic left at {TrafficRules.Format(before)}");
            return new RolloutResult(false, $"Rollout of '{name}' failed before any traffic moved: {e.Message}", endpoints.Get(endpoint.Name).Traffic, steps);
        }
        steps.Add($"deployment '{name}' is healthy at 0% traffic");

        var smoke = options.SmokeRequest;
        if (smoke is null && context.Workspace.Models.Get(new Core.Registry.ModelRef(created.Model, created.ModelVersion, null)) is { } model)
        {
            smoke = SampleInput.Find(context.Paths.Model(endpoint.Name, name), model);
            steps.Add(smoke is null
                ? $"no smoke test: model {created.Model}:{created.ModelVersion} records no sample input ({string.Join(", ", SampleInput.FileNames)}) and no --smoke-request was given"
                : $"smoke request: the sample input recorded with model {created.Model}:{created.ModelVersion}");
        }
        if (smoke is not null)
        {
            var answer = await endpoints.InvokeAsync(endpoint.Name, smoke, name, ct);
            if (answer.Status is < 200 or > 299)
            {
                steps.Add($"smoke test through the pinned header got {answer.Status}: {answer.Body}");
                await deployments.DeleteAsync(endpoint.Name, name, force: true, ct);
                return new RolloutResult(false, $"Smoke test of '{name}' failed with status {answer.Status}; traffic unchanged.", endpoints.Get(endpoint.Name).Traffic, steps);
            }
            steps.Add($"smoke test passed ({answer.Status})");
        }

        if (options.MirrorPercent > 0 && before.Values.Sum() == 100)
        {
            var mirror = new Dictionary<string, int>(beforeMirror) { [name] = options.MirrorPercent };
            await endpoints.SetTrafficAsync(endpoint.Name, before, mirror, $"rollout '{name}': mirror {options.MirrorPercent}%", ct);
            var start = await StatsOf(endpoints, endpoint.Name, name, ct);
            await Task.Delay(options.StageDuration, ct);
            var end = await StatsOf(endpoints, endpoint.Name, name, ct);
            var sent = end.Mirrored - start.Mirrored;
            var errors = end.MirrorErrors - start.MirrorErrors;
            if (sent > 0 && errors / (double)sent > options.MaxErrorRate)
                return await RollBackAsync(endpoints, endpoint.Name, before, beforeMirror, steps, $"mirror phase: {errors} of {sent} mirrored requests failed", ct);
            steps.Add($"mirror phase passed ({sent} mirrored, {errors} errors)");
        }

        foreach (var stage in options.Stages)
        {
            var traffic = Split(before, name, before.Values.Sum() == 100 ? stage : 100);
            var mirrorNow = beforeMirror.Where(m => m.Key != name && traffic.GetValueOrDefault(m.Key) == 0).ToDictionary();
            await endpoints.SetTrafficAsync(endpoint.Name, traffic, mirrorNow, $"rollout '{name}': stage {traffic[name]}%", ct);
            steps.Add($"traffic {TrafficRules.Format(traffic)}");
            var start = await StatsOf(endpoints, endpoint.Name, name, ct);
            await Task.Delay(options.StageDuration, ct);
            var end = await StatsOf(endpoints, endpoint.Name, name, ct);
            if (Check(start, end, options) is { } problem)
                return await RollBackAsync(endpoints, endpoint.Name, before, beforeMirror, steps, $"stage {traffic[name]}%: {problem}", ct);
            steps.Add($"stage {traffic[name]}% passed ({end.Requests - start.Requests} requests)");
            if (traffic[name] == 100) break;
        }
        var final = endpoints.Get(endpoint.Name).Traffic;
        return new RolloutResult(true, $"Rolled out '{name}': {TrafficRules.Format(final)}.", final, steps);
    }

    /// <summary>The new split: <paramref name="deployment"/> gets <paramref name="percent"/>, the others share the rest in their old proportions.</summary>
    public static Dictionary<string, int> Split(IReadOnlyDictionary<string, int> before, string deployment, int percent)
    {
        var others = before.Where(b => b.Key != deployment && b.Value > 0).OrderBy(b => b.Key, StringComparer.Ordinal).ToList();
        var total = others.Sum(o => o.Value);
        var result = before.Where(b => b.Key != deployment).ToDictionary(b => b.Key, _ => 0, StringComparer.Ordinal);
        result[deployment] = total == 0 ? 100 : percent;
        if (total == 0) return result;
        var rest = 100 - percent;
        var shares = others.Select(o => (o.Key, Exact: rest * (double)o.Value / total)).ToList();
        foreach (var (key, exact) in shares) result[key] = (int)Math.Floor(exact);
        var missing = rest - shares.Sum(s => (int)Math.Floor(s.Exact));
        foreach (var (key, _) in shares.OrderByDescending(s => s.Exact - Math.Floor(s.Exact)).ThenBy(s => s.Key, StringComparer.Ordinal).Take(missing))
            result[key]++;
        return result;
    }

    private static string? Check(DeploymentStatsSnapshot start, DeploymentStatsSnapshot end, RolloutOptions options)
    {
        var requests = end.Requests - start.Requests;
        if (requests == 0) return null; // no traffic in the window: nothing speaks against the stage
        var errors = end.Errors - start.Errors;
        var rate = errors / (double)requests;
        if (rate > options.MaxErrorRate) return $"error rate {rate:P1} ({errors} of {requests}) exceeds {options.MaxErrorRate:P1}";
        var window = end.LatencyBuckets.Zip(start.LatencyBuckets.Length == 0 ? new long[end.LatencyBuckets.Length] : start.LatencyBuckets, (a, b) => a - b).ToArray();
        var p95 = LatencyHistogram.Percentile(window, 0.95);
        return p95 > options.MaxP95Ms ? $"p95 latency {p95:0.#} ms exceeds {options.MaxP95Ms:0.#} ms" : null;
    }

    private static async Task<DeploymentStatsSnapshot> StatsOf(EndpointService endpoints, string endpoint, string deployment, CancellationToken ct) =>
        (await endpoints.StatsAsync(endpoint, ct)).Deployments.FirstOrDefault(d => d.Deployment == deployment)
        ?? new DeploymentStatsSnapshot { Deployment = deployment };

    private async Task<RolloutResult> RollBackAsync(EndpointService endpoints, string endpoint, Dictionary<string, int> before,
        Dictionary<string, int> beforeMirror, List<string> steps, string problem, CancellationToken ct)
    {
        var restored = await endpoints.SetTrafficAsync(endpoint, before, beforeMirror, $"rollback: {problem}", ct);
        steps.Add($"check failed ({problem}); rolled back to {TrafficRules.Format(restored.Traffic)}");
        return new RolloutResult(false, $"Rolled back: {problem}.", restored.Traffic, steps);
    }
}
