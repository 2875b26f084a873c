using System.Globalization;
using MlPipelines.Core.Hashing;
using MlPipelines.Pipelines.Plan;
using MlPipelines.Runner.Execution;

namespace MlPipelines.Runner.Caching;

/// <summary>
/// The cache key of a step: SHA-256 over named parts — the step's definition fingerprint, every input's content hash,
/// the source snapshot, the environment and the parameters it reads — so a change in any of them is a miss and
/// <see cref="Explain"/> can say which part changed.
/// </summary>
internal static class CacheKeys
{
    internal static SortedDictionary<string, string> Parts(PipelinePlan plan, PlanStep step, IReadOnlyDictionary<string, StepInput> inputs, string? sourceHash,
        Func<PlanEnvironment, string>? environmentVersion = null)
    {
        var environment = plan.Environments.FirstOrDefault(e => e.Name == step.Environment);
        // H(fingerprint, environment hash, code hash, input content hashes, parameter values): the fingerprint covers
        // only what affects the outputs (not ordering edges, retries, timeouts, compute placement or reuse policy).
        var parts = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["fingerprint"] = step.Fingerprint.Length > 0 ? step.Fingerprint : PlanFingerprint.Of(step),
            ["code"] = sourceHash ?? "none",
            // The environment's version: its definition and the files it builds from (a changed Dockerfile is a miss).
            ["environment"] = environment is null ? step.Environment ?? "none" : environmentVersion?.Invoke(environment) ?? environment.Hash,
        };
        foreach (var (name, input) in inputs) parts["input:" + name] = input.Hash;
        foreach (var p in step.Parameters)
            parts["param:" + p] = plan.Parameters.FirstOrDefault(x => x.Name == p)?.Value ?? "";
        return parts;
    }

    internal static string Key(IReadOnlyDictionary<string, string> parts) =>
        ContentHash.OfParts(parts.OrderBy(p => p.Key, StringComparer.Ordinal));

    /// <summary>Human descriptions of what differs between a previous key and the current one.</summary>
    internal static IReadOnlyList<string> Explain(IReadOnlyDictionary<string, string> previous, IReadOnlyDictionary<string, string> current)
    {
        var changes = new List<string>();
        foreach (var k in previous.Keys.Union(current.Keys).Order(StringComparer.Ordinal))
        {
            var had = previous.TryGetValue(k, out var before);
            var has = current.TryGetValue(k, out var after);
            if (had && has && before == after) continue;
            changes.Add(Describe(k, had ? before : null, has ? after : null));
        }
        return changes;
    }

    private static string Describe(string part, string? before, string? after)
    {
        if (part.StartsWith("input:", StringComparison.Ordinal))
        {
            var n = part["input:".Length..];
            return before is null ? $"input '{n}' is new" : after is null ? $"input '{n}' was removed" : $"input '{n}' content hash changed ({Short(before)} → {Short(after)})";
        }
        if (part.StartsWith("param:", StringComparison.Ordinal))
            return $"parameter '{part["param:".Length..]}' changed ({Quote(before)} → {Quote(after)})";
        return part switch
        {
            "fingerprint" => $"step definition changed (fingerprint {Short(before ?? "none")} → {Short(after ?? "none")})",
            "code" => "code snapshot changed",
            "environment" => "environment changed",
            _ => $"'{part}' changed",
        };
    }

    private static string Short(string h) => h.Length > 12 ? h[..12] : h;
    private static string Quote(string? v) => v is null ? "unset" : string.Create(CultureInfo.InvariantCulture, $"'{v}'");
}
