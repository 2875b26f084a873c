using System.Text.Json;
using MlPipelines.Scoring;

namespace MlPipelines.TestScorer;

/// <summary>
/// Scores <c>{"x":[numbers]}</c> as <c>{"y": factor * sum(x)}</c>, with factor read from <c>model.json</c>.
/// Test hooks: <c>{"fail":true}</c> throws, <c>{"invalid":"MSG"}</c> throws <see cref="ScoringInputException"/>,
/// <c>{"argument":"MSG"}</c> throws <see cref="ArgumentException"/>, <c>{"sleepMs":N}</c> sleeps, <c>{"whoami":true}</c>
/// reports load contexts and the process uid; a model file <c>init-delay-ms</c> delays Init.
/// </summary>
public sealed class SumScorer : IScorer
{
    private double _factor = 1;

    public void Init(string modelDirectory)
    {
        var delay = Path.Combine(modelDirectory, "init-delay-ms");
        if (File.Exists(delay)) Thread.Sleep(int.Parse(File.ReadAllText(delay).Trim()));
        var model = Path.Combine(modelDirectory, "model.json");
        if (File.Exists(model))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(model));
            _factor = doc.RootElement.GetProperty("factor").GetDouble();
        }
    }

    public object? Score(JsonElement input)
    {
        if (input.ValueKind == JsonValueKind.Object)
        {
            if (input.TryGetProperty("fail", out var fail) && fail.ValueKind == JsonValueKind.True)
                throw new InvalidOperationException("secret internal detail");
            if (input.TryGetProperty("invalid", out var invalid)) throw new ScoringInputException(invalid.GetString()!);
            if (input.TryGetProperty("argument", out var argument)) throw new ArgumentException(argument.GetString());
            if (input.TryGetProperty("sleepMs", out var sleep)) Thread.Sleep(sleep.GetInt32());
            if (input.TryGetProperty("whoami", out _))
                return new Identity(
                    System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(typeof(SumScorer).Assembly)!.Name ?? "",
                    System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(typeof(IScorer).Assembly)!.Name ?? "",
                    Uid());
        }
        double sum = 0;
        if (input.ValueKind == JsonValueKind.Object && input.TryGetProperty("x", out var x))
            foreach (var v in x.EnumerateArray()) sum += v.GetDouble();
        return new Result(sum * _factor);
    }

    public sealed record Result(double Y);

    public sealed record Identity(string ScorerContext, string AbstractionsContext, string Uid);

    private static string Uid() =>
        File.Exists("/proc/self/status")
            ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] ?? ""
            : "";
}
