using System.Diagnostics;
using System.Globalization;
using MlPipelines.Bench;
using MlPipelines.Compute;
using MlPipelines.Compute.Docker;
using MlPipelines.Containers;

// Target (issue 14): a no-op job through the docker compute target costs ≤ 1 s more than `docker run --rm IMAGE` of the
// same no-op. The offline test images have no `true` binary, so both run `busybox true`.
//   dotnet run -c Release --project bench/MlPipelines.Bench.Docker [-- --runs N] [--image IMAGE]
var runs = Arg("--runs") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 15;
var image = Arg("--image") ?? (Environment.GetEnvironmentVariable("MLP_TEST_BASE_IMAGE") is { Length: > 0 } b ? b : "mlp-local/aspnet:10.0");
var endpoint = DockerEndpoint.FromEnvironment();
using (var engine = new DockerEngineClient(endpoint))
{
    var (ok, problem) = await engine.PingAsync();
    if (!ok) { Console.WriteLine($"docker benchmark skipped: no Docker engine at DOCKER_HOST ({endpoint.Address}): {problem}"); return 0; }
    if (await engine.InspectImageAsync(image) is null) { Console.WriteLine($"docker benchmark skipped: the engine has no image '{image}' (made by .ci/services/docker.sh)"); return 0; }
}

var work = Directory.CreateTempSubdirectory("mlp-bench-docker-").FullName;
try
{
    using var target = new DockerTarget(new DockerComputeOptions("bench"));
    var job = new ComputeJob("busybox", ["true"]) { Image = image, WorkingDirectory = work, OutputDirectory = Path.Combine(work, "outputs"), Name = "bench" };
    var plain = await Timings.MeasureAsync(runs, () => Timings.RunToolAsync("docker", "run", "--rm", image, "busybox", "true"));
    var alike = await Timings.MeasureAsync(runs, () => Timings.RunToolAsync("docker", "run", "--rm", "--network", "host", "--init", "-v", $"{work}:{work}:ro", "-w", work, image, "busybox", "true"));
    var viaTarget = await Timings.MeasureAsync(runs, async () =>
    {
        var result = await target.RunAsync(job, ComputeObserver.None, CancellationToken.None);
        if (!result.Succeeded) throw new InvalidOperationException($"the no-op job failed: {result.Reason()}");
    });
    Console.WriteLine($"docker run --rm {image} busybox true: median {plain.Median:0} ms (p90 {plain.P90:0} ms, {runs} runs)");
    Console.WriteLine($"docker run --rm --network host --init -v WORK:WORK:ro -w WORK (what the target asks for): median {alike.Median:0} ms (p90 {alike.P90:0} ms)");
    Console.WriteLine($"DockerTarget no-op job: median {viaTarget.Median:0} ms (p90 {viaTarget.P90:0} ms) → overhead {viaTarget.Median - plain.Median:0} ms over plain docker run, " +
                      $"{viaTarget.Median - alike.Median:0} ms over the same options (target: ≤ 1000 ms)");
    Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
    return 0;
}
finally
{
    Directory.Delete(work, recursive: true);
}

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
