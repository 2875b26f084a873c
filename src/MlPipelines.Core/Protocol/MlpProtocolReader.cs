namespace MlPipelines.Core.Protocol;

/// <summary>
/// Reads the protocol lines of one run: like <see cref="MlpLineParser"/>, and a metric line without a step gets the
/// next step of that metric (0 for the first point; one more than the highest step seen so far).
/// </summary>
public sealed class MlpProtocolReader
{
    private readonly Dictionary<string, long> _lastSteps;

    /// <summary>Creates a reader; <paramref name="lastSteps"/> continues series already in the run (metric → highest step).</summary>
    public MlpProtocolReader(IReadOnlyDictionary<string, long>? lastSteps = null) =>
        _lastSteps = lastSteps is null ? new(StringComparer.Ordinal) : new(lastSteps, StringComparer.Ordinal);

    /// <summary>Reads one line: null when it is not a protocol line; otherwise a command (metric step filled in) or a warning.</summary>
    public MlpLineResult? Read(string line)
    {
        var result = MlpLineParser.Parse(line);
        if (result?.Command is not MetricCommand m) return result;
        var step = m.Step ?? (_lastSteps.TryGetValue(m.Name, out var last) ? last + 1 : 0);
        _lastSteps[m.Name] = _lastSteps.TryGetValue(m.Name, out var prev) ? Math.Max(prev, step) : step;
        return MlpLineResult.Ok(m with { Step = step });
    }
}
