using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace MlPipelines.Compute.Kubernetes.Tests;

/// <summary>
/// A fact that needs <c>node</c> and the schema check's packages (<c>npm ci --prefix tests/MlPipelines.Compute.Kubernetes.Tests/schema</c>,
/// which .ci/run does); skipped, with the reason shown, when either is missing.
/// </summary>
public sealed class RequiresSchemaCheckFactAttribute : FactAttribute
{
    /// <summary>The folder of validate.mjs and its node_modules, in the source tree.</summary>
    public static string SchemaFolder { get; } = Path.Combine(Path.GetDirectoryName(ThisFile())!, "schema");

    private static readonly Lazy<string?> Missing = new(() =>
    {
        if (!Directory.Exists(Path.Combine(SchemaFolder, "node_modules", "kubernetes-models")))
            return $"the schema check's packages are not installed: run `npm ci --prefix {SchemaFolder}`";
        try
        {
            using var p = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            return p.WaitForExit(30_000) && p.ExitCode == 0 ? null : "node --version failed";
        }
        catch (System.ComponentModel.Win32Exception e) { return "node is not on PATH: " + e.Message; }
    });

    public RequiresSchemaCheckFactAttribute()
    {
        if (Missing.Value is { } reason) Skip = reason;
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}

/// <summary>Rendered manifests checked offline against the Kubernetes schema by the npm package kubernetes-models (validate.mjs).</summary>
public sealed class ManifestSchemaTests
{
    [RequiresSchemaCheckFact]
    public void Validate_EveryRenderedScenario_IsAValidBatchV1Job()
    {
        var dir = Directory.CreateTempSubdirectory("mlp-k8s-schema-").FullName;
        try
        {
            var files = ManifestScenarios.All().Select(s => Write(dir, s.Name, s.Yaml)).ToList();

            var (code, results, stderr) = Check(files);

            Assert.True(code == 0, string.Join("\n", results.Select(r => r.GetRawText())) + stderr);
            Assert.Equal(files.Count, results.Count);
            Assert.All(results, r => Assert.True(r.GetProperty("ok").GetBoolean(), r.GetRawText()));
        }
        finally { Directory.Delete(dir, true); }
    }

    [RequiresSchemaCheckFact]
    public void Validate_BrokenManifest_IsReportedWithThePathOfEachError()
    {
        var dir = Directory.CreateTempSubdirectory("mlp-k8s-schema-").FullName;
        try
        {
            // The check must bite: a wrong type, an unknown enum value and a missing required field.
            var yaml = ManifestScenarios.All().First().Yaml
                .Replace("backoffLimit: 0", "backoffLimit: \"none\"")
                .Replace("action: FailJob", "action: Explode")
                .Replace("        - name: main\n", "        - imagePullPolicy: Always\n");
            var (code, results, _) = Check([Write(dir, "broken", yaml)]);

            Assert.Equal(1, code);
            var errors = Assert.Single(results).GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
            Assert.Contains(errors, e => e.StartsWith("/spec/backoffLimit must be integer", StringComparison.Ordinal));
            Assert.Contains(errors, e => e.StartsWith("/spec/podFailurePolicy/rules/1/action must be equal to one of the allowed values", StringComparison.Ordinal));
            Assert.Contains(errors, e => e.StartsWith("/spec/template/spec/containers/0 must have required property name", StringComparison.Ordinal));
        }
        finally { Directory.Delete(dir, true); }
    }

    private static string Write(string dir, string name, string yaml)
    {
        var path = Path.Combine(dir, name + ".yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private static (int Code, List<JsonElement> Results, string Stderr) Check(IEnumerable<string> files)
    {
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(RequiresSchemaCheckFactAttribute.SchemaFolder, "validate.mjs"));
        foreach (var f in files) psi.ArgumentList.Add(f);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("validate.mjs did not finish within 120 s."); }
        var results = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        return (p.ExitCode, results, stderr.Result);
    }
}
