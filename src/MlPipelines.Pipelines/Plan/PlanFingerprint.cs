using MlPipelines.Core.Hashing;

namespace MlPipelines.Pipelines.Plan;

/// <summary>The definition fingerprint of a step: SHA-256 over its <see cref="PlanStep.FingerprintFields"/>.</summary>
public static class PlanFingerprint
{
    /// <summary>The fingerprint of <paramref name="step"/> (its stored <see cref="PlanStep.Fingerprint"/> is not an input).</summary>
    public static string Of(PlanStep step) => ContentHash.OfParts(step.FingerprintFields());
}
