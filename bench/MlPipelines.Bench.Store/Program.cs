using System.Globalization;
using MlPipelines.Bench.Store;

// Stopwatch benchmarks of the local workspace store. Usage:
//   dotnet run -c Release --project bench/MlPipelines.Bench.Store -- [--scenarios ingest,single,query,models,reregister]
//       [--runs 100000] [--versions 10000] [--points 1000000] [--size-mb 1024] [--iterations 21] [--dir PATH]
var options = BenchOptions.Parse(args);
var root = options.Dir ?? Path.Combine(Path.GetTempPath(), "mlp-bench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(root);
var results = new List<BenchResult>();
try
{
    foreach (var scenario in options.Scenarios)
    {
        Console.Error.WriteLine($"running {scenario}…");
        results.AddRange(scenario switch
        {
            "ingest" => Scenarios.Ingest(Path.Combine(root, "ingest"), options),
            "single" => Scenarios.SingleAppend(Path.Combine(root, "single"), options),
            "query" => Scenarios.Query(Path.Combine(root, "query"), options),
            "models" => Scenarios.Models(Path.Combine(root, "models"), options),
            "reregister" => Scenarios.Reregister(Path.Combine(root, "reregister"), options),
            _ => throw new ArgumentException($"unknown scenario '{scenario}'; expected ingest, single, query, models, reregister"),
        });
    }
}
finally
{
    if (options.Dir is null) Directory.Delete(root, recursive: true);
}

Console.WriteLine();
Console.WriteLine($"{"scenario",-78} {"result",18} {"cpu ms",9} {"target",12} {"ok",4}");
Console.WriteLine(new string('-', 125));
foreach (var r in results)
    Console.WriteLine($"{r.Name,-78} {r.Value.ToString("N1", CultureInfo.InvariantCulture) + " " + r.Unit,18} {r.CpuMs?.ToString("N1", CultureInfo.InvariantCulture) ?? "",9} {r.Target ?? "",12} {(r.Ok is null ? "" : r.Ok.Value ? "yes" : "NO"),4}");
return results.Any(r => r.Ok == false) ? 1 : 0;
