using System.Diagnostics;
using System.Globalization;

namespace MlPipelines.Scoring.Hosting;

/// <summary>
/// The configuration of the scoring host, and its exact command line. Other components (deployments, tests) build one
/// and start the host as <c>dotnet MlPipelines.Serving.dll ARGS</c> (see <see cref="ToArguments"/> and
/// <see cref="CreateStartInfo"/>). Every option can also be given as an environment variable (in brackets):
/// <list type="table">
/// <item><term><c>--model-dir DIR</c></term><description>folder with the model files [MLP_MODEL_DIR, else AZUREML_MODEL_DIR]; required.</description></item>
/// <item><term><c>--scorer dotnet|python</c></term><description>scorer kind [MLP_SCORER]; default <c>dotnet</c>.</description></item>
/// <item><term><c>--scorer-assembly PATH</c></term><description>.NET scorer assembly [MLP_SCORER_ASSEMBLY]; required for dotnet.</description></item>
/// <item><term><c>--scorer-type NAME</c></term><description>full type name of the IScorer [MLP_SCORER_TYPE]; default: the only one in the assembly.</description></item>
/// <item><term><c>--score-py PATH</c></term><description>Azure ML style score.py [MLP_SCORE_PY]; required for python.</description></item>
/// <item><term><c>--python PATH</c></term><description>Python interpreter [MLP_PYTHON]; default <c>python3</c>.</description></item>
/// <item><term><c>--workers N</c></term><description>Python worker processes [MLP_PYTHON_WORKERS]; default 1.</description></item>
/// <item><term><c>--urls URL[;URL]</c></term><description>listen addresses [MLP_URLS]; default <c>http://0.0.0.0:8080</c>; port 0 picks a free port.</description></item>
/// <item><term><c>--key KEY</c></term><description>accepted bearer key, repeatable [MLP_SERVE_KEYS, comma-separated]; none = no auth.</description></item>
/// <item><term><c>--max-body-bytes N</c></term><description>request body limit [MLP_MAX_BODY_BYTES]; default 104857600 (100 MiB).</description></item>
/// <item><term><c>--timeout-ms N</c></term><description>scoring timeout [MLP_TIMEOUT_MS]; default 5000 (as Azure ML).</description></item>
/// <item><term><c>--max-concurrency N</c></term><description>requests scored at once; more get 429 [MLP_MAX_CONCURRENCY]; default 64.</description></item>
/// <item><term><c>--signature PATH</c></term><description>model signature JSON served at /schema [MLP_SIGNATURE]; default <c>MODEL_DIR/signature.json</c> if present.</description></item>
/// </list>
/// Command-line values win over environment variables. The instance secret comes only from
/// <c>MLP_INSTANCE_SECRET</c>. Listen URLs must be <c>http://</c>: TLS ends at the router or ingress in front of the host.
/// </summary>
public sealed record ScoringHostCommandLine
{
    /// <summary>File name of the host assembly to run with <c>dotnet</c>.</summary>
    public const string HostAssemblyFileName = "MlPipelines.Serving.dll";

    /// <summary>Environment variable holding comma-separated keys (keeps keys off the process command line).</summary>
    public const string KeysEnvironmentVariable = "MLP_SERVE_KEYS";

    /// <summary>Environment variable holding the instance secret (<see cref="InstanceSecret"/>); never a command-line option.</summary>
    public const string InstanceSecretEnvironmentVariable = "MLP_INSTANCE_SECRET";

    /// <summary>Request header in which the endpoint router sends the instance secret.</summary>
    public const string InstanceSecretHeader = "x-mlp-instance-secret";

    /// <summary>Folder holding the model files; exposed to score.py as AZUREML_MODEL_DIR.</summary>
    public required string ModelDirectory { get; init; }
    /// <summary>Scorer kind.</summary>
    public ScorerKind Scorer { get; init; } = ScorerKind.Dotnet;
    /// <summary>Path of the .NET scorer assembly (dotnet kind).</summary>
    public string? ScorerAssembly { get; init; }
    /// <summary>Full name of the IScorer type; null picks the only implementation in the assembly.</summary>
    public string? ScorerType { get; init; }
    /// <summary>Path of score.py (python kind).</summary>
    public string? ScorePy { get; init; }
    /// <summary>Python interpreter.</summary>
    public string Python { get; init; } = "python3";
    /// <summary>Number of Python worker processes.</summary>
    public int Workers { get; init; } = 1;
    /// <summary>Listen URLs separated by ';'.</summary>
    public string Urls { get; init; } = "http://0.0.0.0:8080";
    /// <summary>Accepted bearer keys; empty disables auth.</summary>
    public IReadOnlyList<string> Keys { get; init; } = [];
    /// <summary>Maximum request body size in bytes.</summary>
    public long MaxBodyBytes { get; init; } = 100L * 1024 * 1024;
    /// <summary>Scoring timeout in milliseconds.</summary>
    public int TimeoutMs { get; init; } = 5000;
    /// <summary>Requests scored at once; more are rejected with 429.</summary>
    public int MaxConcurrency { get; init; } = 64;
    /// <summary>Signature JSON file served at /schema; null uses MODEL_DIR/signature.json when present.</summary>
    public string? SignaturePath { get; init; }
    /// <summary>The secret the endpoint router sends in <see cref="InstanceSecretHeader"/>; when set, every request but the
    /// health checks needs it (401 otherwise). Read only from <see cref="InstanceSecretEnvironmentVariable"/>, so it never
    /// shows in process listings.</summary>
    public string? InstanceSecret { get; init; }

    /// <summary>The arguments after <c>dotnet MlPipelines.Serving.dll</c>. Keys are included; pass them through
    /// <see cref="KeysEnvironmentVariable"/> instead (set <c>includeKeys</c> false) to keep them out of process listings.</summary>
    public IReadOnlyList<string> ToArguments(bool includeKeys = true)
    {
        var a = new List<string> { "--model-dir", ModelDirectory, "--scorer", Scorer == ScorerKind.Python ? "python" : "dotnet" };
        void Add(string name, string? value) { if (value is not null) { a.Add(name); a.Add(value); } }
        Add("--scorer-assembly", ScorerAssembly);
        Add("--scorer-type", ScorerType);
        Add("--score-py", ScorePy);
        if (Scorer == ScorerKind.Python) { Add("--python", Python); Add("--workers", Workers.ToString(CultureInfo.InvariantCulture)); }
        Add("--urls", Urls);
        if (includeKeys) foreach (var k in Keys) Add("--key", k);
        Add("--max-body-bytes", MaxBodyBytes.ToString(CultureInfo.InvariantCulture));
        Add("--timeout-ms", TimeoutMs.ToString(CultureInfo.InvariantCulture));
        Add("--max-concurrency", MaxConcurrency.ToString(CultureInfo.InvariantCulture));
        Add("--signature", SignaturePath);
        return a;
    }

    /// <summary>A start info running <c>dotnet HOSTDIR/MlPipelines.Serving.dll ARGS</c> with keys passed by environment
    /// and output redirected; the host prints <c>mlp-serve listening on URL</c> once it accepts requests.</summary>
    public ProcessStartInfo CreateStartInfo(string hostDirectory)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(hostDirectory, HostAssemblyFileName));
        foreach (var arg in ToArguments(includeKeys: false)) psi.ArgumentList.Add(arg);
        if (Keys.Count > 0) psi.Environment[KeysEnvironmentVariable] = string.Join(',', Keys);
        if (InstanceSecret is not null) psi.Environment[InstanceSecretEnvironmentVariable] = InstanceSecret;
        return psi;
    }

    /// <summary>Parses the host's command line, falling back to environment variables; throws <see cref="ArgumentException"/>
    /// with a usage message on bad input.</summary>
    public static ScoringHostCommandLine Parse(IReadOnlyList<string> args, Func<string, string?> environment) =>
        ScoringHostCommandLineParser.Parse(args, environment);
}
