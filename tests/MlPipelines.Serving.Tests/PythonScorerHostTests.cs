using System.Net;
using System.Text.Json;
using MlPipelines.Scoring.Hosting;

namespace MlPipelines.Serving.Tests;

public sealed class PythonScorerHostTests
{
    private const string ScorePy = """
        import json, os, sys, time

        factor = None

        def init():
            global factor
            print("init: loading model")          # must not corrupt the worker protocol
            os.write(1, b"raw fd write\n")        # neither must writes to fd 1
            with open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "model.json")) as f:
                factor = json.load(f)["factor"]

        def run(raw_data):
            data = json.loads(raw_data)
            print("scoring", data)
            if data.get("crash"):
                os._exit(7)
            if data.get("fail"):
                raise RuntimeError("python secret detail")
            if "sleep" in data:
                time.sleep(data["sleep"])
            return {"y": sum(data.get("x", [])) * factor, "pid": os.getpid()}
        """;

    private static async Task<RunningHost> StartAsync(int workers = 1, int timeoutMs = 5000)
    {
        var model = RunningHost.NewModelDir(factor: 3);
        var code = Directory.CreateTempSubdirectory("mlp-serve-code-").FullName;
        var script = Path.Combine(code, "score.py");
        await File.WriteAllTextAsync(script, ScorePy);
        return await RunningHost.StartAsync(new ScoringHostCommandLine
        {
            ModelDirectory = model, Scorer = ScorerKind.Python, ScorePy = script, Workers = workers, TimeoutMs = timeoutMs,
        });
    }

    [RequiresPythonFact]
    public async Task Score_ScorePy_ReturnsRunResultDespitePrints()
    {
        await using var host = await StartAsync();
        using var r = await host.ScoreAsync("""{"x":[1,2]}""");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var root = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(9, root.GetProperty("y").GetDouble());
        Assert.Contains("init: loading model", host.Log.ToString());
    }

    [RequiresPythonFact]
    public async Task Score_RunRaises_Returns500AndKeepsWorker()
    {
        await using var host = await StartAsync();
        using var failed = await host.ScoreAsync("""{"fail":true}""");
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.DoesNotContain("python secret detail", await failed.Content.ReadAsStringAsync());
        Assert.Contains("python secret detail", host.Log.ToString());
        using var ok = await host.ScoreAsync("""{"x":[1]}""");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [RequiresPythonFact]
    public async Task Score_WorkerCrashes_Returns503ThenRecoversOnNewWorker()
    {
        await using var host = await StartAsync();
        using var first = await host.ScoreAsync("""{"x":[1]}""");
        var pid = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement.GetProperty("pid").GetInt32();
        using var crash = await host.ScoreAsync("""{"crash":true}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, crash.StatusCode);
        Assert.Contains("correlationId", await crash.Content.ReadAsStringAsync());
        using var after = await host.ScoreAsync("""{"x":[1]}"""); // waits for the replacement (within the timeout)
        Assert.True(after.StatusCode == HttpStatusCode.OK, host.Log.ToString());
        var newPid = JsonDocument.Parse(await after.Content.ReadAsStringAsync()).RootElement.GetProperty("pid").GetInt32();
        Assert.NotEqual(pid, newPid);
    }

    [RequiresPythonFact]
    public async Task Score_WorkerKilledWhileIdle_NextRequestServedByReplacement()
    {
        await using var host = await StartAsync();
        using var first = await host.ScoreAsync("""{"x":[1]}""");
        var pid = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement.GetProperty("pid").GetInt32();
        using (var p = System.Diagnostics.Process.GetProcessById(pid)) { p.Kill(); await p.WaitForExitAsync(); }
        await Task.Delay(100);
        using var after = await host.ScoreAsync("""{"x":[1]}""");
        Assert.True(after.StatusCode == HttpStatusCode.OK, host.Log.ToString());
        Assert.NotEqual(pid, JsonDocument.Parse(await after.Content.ReadAsStringAsync()).RootElement.GetProperty("pid").GetInt32());
    }

    [RequiresPythonFact]
    public async Task Score_RunTooSlow_Returns504AndWorkerIsReplaced()
    {
        await using var host = await StartAsync(timeoutMs: 500);
        using var slow = await host.ScoreAsync("""{"sleep":30}""");
        Assert.Equal(HttpStatusCode.GatewayTimeout, slow.StatusCode);
        var status = HttpStatusCode.GatewayTimeout;
        for (var i = 0; i < 20 && status != HttpStatusCode.OK; i++) // the replacement worker may take longer than one timeout to start
            status = (await host.ScoreAsync("""{"x":[2]}""")).StatusCode;
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Replaced Python worker", host.Log.ToString());
    }

    [RequiresPythonFact]
    public async Task Score_TwoWorkers_ServeConcurrentRequestsInParallel()
    {
        await using var host = await StartAsync(workers: 2);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var rs = await Task.WhenAll(host.ScoreAsync("""{"sleep":0.6}"""), host.ScoreAsync("""{"sleep":0.6}"""));
        Assert.All(rs, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var pids = await Task.WhenAll(rs.Select(async r => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("pid").GetInt32()));
        Assert.NotEqual(pids[0], pids[1]);
        Assert.True(sw.ElapsedMilliseconds < 1150, $"took {sw.ElapsedMilliseconds} ms");
    }
}
