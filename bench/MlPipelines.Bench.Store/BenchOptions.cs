using System.Globalization;

namespace MlPipelines.Bench.Store;

internal sealed record BenchOptions
{
    public IReadOnlyList<string> Scenarios { get; init; } = ["ingest", "single", "query", "models", "reregister"];
    public int Runs { get; init; } = 100_000;
    public int Versions { get; init; } = 10_000;
    public int Points { get; init; } = 1_000_000;
    public int SizeMb { get; init; } = 1024;
    public int Iterations { get; init; } = 21;
    public string? Dir { get; init; }

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            o = args[i] switch
            {
                "--scenarios" => o with { Scenarios = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--runs" => o with { Runs = Int() },
                "--versions" => o with { Versions = Int() },
                "--points" => o with { Points = Int() },
                "--size-mb" => o with { SizeMb = Int() },
                "--iterations" => o with { Iterations = Int() },
                "--dir" => o with { Dir = Next() },
                _ => throw new ArgumentException($"unknown option '{args[i]}'"),
            };
        }
        return o;
    }
}

internal sealed record BenchResult(string Name, double Value, string Unit, string? Target = null, bool? Ok = null, double? CpuMs = null);
