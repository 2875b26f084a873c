using System.Net;
using System.Text.Json;
using MlPipelines.Scoring.Hosting;

namespace MlPipelines.Serving.Tests;

/// <summary>score.py rejecting its input is the caller's mistake: 400 with run()'s message; anything else stays 500.</summary>
public sealed class PythonInputErrorTests
{
    // Input validation in the style of pipelines/Diabetes/score.py, plus the explicit ScoringInputError an author may define.
    private const string ScorePy = """
        import json, os

        class ScoringInputError(Exception):
            pass

        class BadShape(ScoringInputError):
            pass

        def init():
            pass

        def run(raw_data):
            payload = json.loads(raw_data)
            if "text" in payload:
                return json.loads(payload["text"])         # json.JSONDecodeError on bad text
            if "shape" in payload:
                raise BadShape("expected 2 rows of 5 features")
            if "boom" in payload:
                raise RuntimeError("internal secret")
            rows = payload["data"]                         # KeyError when missing
            if not isinstance(rows, list) or not rows:
                raise ValueError("'data' must be a non-empty list of rows")
            return {"rows": len(rows), "pid": os.getpid()}
        """;

    private static async Task<RunningHost> StartAsync()
    {
        var code = Directory.CreateTempSubdirectory("mlp-serve-code-").FullName;
        var script = Path.Combine(code, "score.py");
        await File.WriteAllTextAsync(script, ScorePy);
        return await RunningHost.StartAsync(new ScoringHostCommandLine
        {
            ModelDirectory = RunningHost.NewModelDir(factor: 1), Scorer = ScorerKind.Python, ScorePy = script, Workers = 1,
        });
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body, string Text)> PostAsync(RunningHost host, string json)
    {
        using var r = await host.ScoreAsync(json);
        var text = await r.Content.ReadAsStringAsync();
        return (r.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), text);
    }

    [RequiresPythonFact]
    public async Task Score_RunRaisesValueError_Returns400WithItsMessageAndKeepsWorker()
    {
        await using var host = await StartAsync();
        var (_, ok, _) = await PostAsync(host, """{"data":[[1]]}""");
        var pid = ok.GetProperty("pid").GetInt32();

        var (status, body, text) = await PostAsync(host, """{"data": "nope"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("'data' must be a non-empty list of rows", body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("correlationId").GetString()));
        Assert.DoesNotContain("Traceback", text);
        Assert.Contains("Traceback", host.Log.ToString()); // the traceback is in the host log, for the score.py author
        var (again, after, _) = await PostAsync(host, """{"data":[[1],[2]]}""");
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(pid, after.GetProperty("pid").GetInt32());
    }

    [RequiresPythonFact]
    public async Task Score_RunRaisesKeyErrorDecodeErrorOrScoringInputError_Returns400()
    {
        await using var host = await StartAsync();

        var missing = await PostAsync(host, """{"rows": []}""");
        var decode = await PostAsync(host, """{"text": "{not json"}""");
        var explicitError = await PostAsync(host, """{"shape": 1}""");

        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Equal("missing key 'data'", missing.Body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, decode.Status);
        Assert.StartsWith("Expecting property name enclosed in double quotes", decode.Body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, explicitError.Status);
        Assert.Equal("expected 2 rows of 5 features", explicitError.Body.GetProperty("error").GetString());
    }

    [RequiresPythonFact]
    public async Task Score_RunRaisesOtherException_Returns500WithCorrelationIdAndNoDetails()
    {
        await using var host = await StartAsync();

        var (status, body, text) = await PostAsync(host, """{"boom": true}""");

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        var id = body.GetProperty("correlationId").GetString()!;
        Assert.DoesNotContain("internal secret", text);
        Assert.DoesNotContain("Traceback", text);
        Assert.Contains(id, host.Log.ToString());
        Assert.Contains("internal secret", host.Log.ToString());
    }
}
