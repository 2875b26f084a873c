using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using MlPipelines.Bench.Server;
using MlPipelines.Workspace.Remote;

namespace MlPipelines.Bench.Mlflow;

/// <summary>One call's times: the client-observed round trip and the server's own time (its <c>Server-Timing: mlflow;dur=</c>).</summary>
internal readonly record struct CallTime(double RoundTripMs, double ServerMs);

/// <summary>An MLflow REST client of one workspace on the bench server: one HTTPS connection (keep-alive), raw JSON.</summary>
internal sealed class MlflowBenchClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _prefix;

    public MlflowBenchClient(BenchServer server, string workspace)
    {
        _http = new HttpClient(ServerTrust.CreateHandler(server.Login.CaCert)) { BaseAddress = new Uri(server.Host.Url) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Login.Token);
        _prefix = $"/workspaces/{workspace}/api/2.0/mlflow/";
    }

    /// <summary>POSTs a JSON body; throws with the answer unless it is 200.</summary>
    public async Task<(CallTime Time, byte[] Body)> PostAsync(string path, byte[] json)
    {
        using var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var t = Stopwatch.GetTimestamp();
        using var response = await _http.PostAsync(_prefix + path, content);
        var body = await response.Content.ReadAsByteArrayAsync();
        return (Finish(response, body, t), body);
    }

    /// <summary>GETs a path with its query; throws with the answer unless it is 200.</summary>
    public async Task<(CallTime Time, byte[] Body)> GetAsync(string pathAndQuery)
    {
        var t = Stopwatch.GetTimestamp();
        using var response = await _http.GetAsync(_prefix + pathAndQuery);
        var body = await response.Content.ReadAsByteArrayAsync();
        return (Finish(response, body, t), body);
    }

    /// <summary>POSTs and returns the parsed answer (setup calls).</summary>
    public async Task<JsonElement> PostJsonAsync(string path, object body) =>
        JsonDocument.Parse((await PostAsync(path, JsonSerializer.SerializeToUtf8Bytes(body))).Body).RootElement;

    private static CallTime Finish(HttpResponseMessage response, byte[] body, long started)
    {
        var roundTrip = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        var server = response.Headers.TryGetValues("Server-Timing", out var values)
            && values.First() is var v && v.StartsWith("mlflow;dur=", StringComparison.Ordinal)
            ? double.Parse(v["mlflow;dur=".Length..], CultureInfo.InvariantCulture)
            : throw new InvalidOperationException("The answer has no 'Server-Timing: mlflow;dur=…' header.");
        return new CallTime(roundTrip, server);
    }

    public void Dispose() => _http.Dispose();
}
