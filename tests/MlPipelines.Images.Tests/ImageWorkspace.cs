using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using MlPipelines.Core.Registry;
using MlPipelines.Workspace;

namespace MlPipelines.Images.Tests;

/// <summary>A temp workspace holding a registered model 'sum' (a .NET SumScorer packaged with scorer.json), plus a runner of the real <c>mlp</c>.</summary>
public sealed class ImageWorkspace : IDisposable
{
    public const string NoEngine = "unix:///nonexistent/mlp-no-docker.sock";

    public string Root { get; } = Directory.CreateTempSubdirectory("mlp-images-").FullName;

    public ImageWorkspace()
    {
        using var _ = LocalWorkspace.Init(Root);
    }

    public static string TestScorerPath =>
        typeof(ImageWorkspace).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestScorerPath").Value!;

    public LocalWorkspace Open() => LocalWorkspace.Open(Root);

    /// <summary>Registers model <paramref name="name"/> (model.json with <paramref name="factor"/>, scorer.json, the SumScorer dll) and points 'champion' at it.</summary>
    public ModelVersion RegisterSumModel(string name = "sum", double factor = 2)
    {
        var dir = Directory.CreateDirectory(Path.Combine(Root, "models", Guid.NewGuid().ToString("N")[..8])).FullName;
        File.WriteAllText(Path.Combine(dir, "model.json"), JsonSerializer.Serialize(new { factor }));
        File.WriteAllText(Path.Combine(dir, "scorer.json"), """{"kind":"dotnet","assembly":"MlPipelines.TestScorer.dll","type":"MlPipelines.TestScorer.SumScorer"}""");
        File.Copy(TestScorerPath, Path.Combine(dir, "MlPipelines.TestScorer.dll"));
        using var ws = Open();
        var v = ws.Models.Register(new NewModelVersion { Name = name, LocalPath = dir, Flavor = "dotnet", SignatureJson = """{"inputs":[{"name":"x"}]}""" });
        ws.Models.SetAlias(name, "champion", v.Version, "test");
        return v;
    }

    public CliResult Mlp(string dockerHost, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = Root };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mlp.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--workspace");
        psi.ArgumentList.Add(Root);
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["COLUMNS"] = "240";
        psi.Environment["DOCKER_HOST"] = dockerHost;
        psi.Environment.Remove("MLP_WORKSPACE");
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("mlp did not exit within 120 s."); }
        return new CliResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    public JsonElement Json(string dockerHost, params string[] args)
    {
        var r = Mlp(dockerHost, [.. args, "--format", "json"]);
        Assert.True(r.ExitCode == 0, $"mlp {string.Join(' ', args)} exited {r.ExitCode}: {r.Stderr}");
        return JsonDocument.Parse(r.Stdout).RootElement.Clone();
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, true); } catch (IOException) { }
    }
}

public sealed record CliResult(int ExitCode, string Stdout, string Stderr);
