using MlPipelines.Core.Errors;

namespace MlPipelines.Compute.Kubernetes;

/// <summary>One toleration of the pods: <c>key=value:effect</c> (operator Equal) or <c>key:effect</c> (operator Exists); without <c>:effect</c> it tolerates every effect.</summary>
/// <param name="Key">The taint's key.</param>
/// <param name="Operator"><c>Equal</c> or <c>Exists</c>.</param>
/// <param name="Value">The taint's value (Equal only).</param>
/// <param name="Effect"><c>NoSchedule</c>, <c>PreferNoSchedule</c>, <c>NoExecute</c>, or null for all.</param>
public sealed record KubernetesToleration(string Key, string Operator, string? Value, string? Effect)
{
    private static readonly string[] Effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

    /// <summary>Parses one toleration as written in the <c>tolerations</c> option.</summary>
    public static KubernetesToleration Parse(string text)
    {
        var spec = text.Trim();
        string? effect = null;
        var colon = spec.LastIndexOf(':');
        if (colon >= 0)
        {
            effect = spec[(colon + 1)..];
            spec = spec[..colon];
            if (!Effects.Contains(effect, StringComparer.Ordinal))
                throw MlpException.Invalid($"Toleration '{text}' has effect '{effect}'; expected one of {string.Join(", ", Effects.Select(e => $"'{e}'"))}.");
        }
        var eq = spec.IndexOf('=');
        var key = eq >= 0 ? spec[..eq] : spec;
        if (key.Length == 0 || key.Any(c => char.IsWhiteSpace(c) || c is ':' or '='))
            throw MlpException.Invalid($"Toleration '{text}' has no valid key; write key=value:effect or key:effect (e.g. 'gpu=true:NoSchedule').");
        return eq >= 0 ? new(key, "Equal", spec[(eq + 1)..], effect) : new(key, "Exists", null, effect);
    }
}
