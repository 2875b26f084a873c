using System.Globalization;

namespace MlPipelines.Scoring.Hosting;

internal static class ScoringHostCommandLineParser
{
    private static readonly Dictionary<string, string> EnvNames = new()
    {
        ["--model-dir"] = "MLP_MODEL_DIR", ["--scorer"] = "MLP_SCORER", ["--scorer-assembly"] = "MLP_SCORER_ASSEMBLY",
        ["--scorer-type"] = "MLP_SCORER_TYPE", ["--score-py"] = "MLP_SCORE_PY", ["--python"] = "MLP_PYTHON",
        ["--workers"] = "MLP_PYTHON_WORKERS", ["--urls"] = "MLP_URLS", ["--max-body-bytes"] = "MLP_MAX_BODY_BYTES",
        ["--timeout-ms"] = "MLP_TIMEOUT_MS", ["--max-concurrency"] = "MLP_MAX_CONCURRENCY", ["--signature"] = "MLP_SIGNATURE",
    };

    public static ScoringHostCommandLine Parse(IReadOnlyList<string> args, Func<string, string?> env)
    {
        var values = new Dictionary<string, string>();
        var keys = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string value;
            var eq = name.IndexOf('=');
            if (name.StartsWith("--", StringComparison.Ordinal) && eq > 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            else
            {
                if (i + 1 >= args.Count) throw Usage($"Option '{name}' needs a value.");
                value = args[++i];
            }
            if (name == "--key") keys.Add(value);
            else if (name == "--port") values["--urls"] = "http://0.0.0.0:" + value;
            else if (EnvNames.ContainsKey(name)) values[name] = value;
            else throw Usage($"Unknown option '{name}'.");
        }
        string? Get(string name) => values.TryGetValue(name, out var v) ? v : Nullify(env(EnvNames[name]));
        if (keys.Count == 0 && Nullify(env(ScoringHostCommandLine.KeysEnvironmentVariable)) is { } keyList)
            keys.AddRange(keyList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        var modelDir = Get("--model-dir") ?? Nullify(env("AZUREML_MODEL_DIR")) ?? throw Usage("The model folder is not set.");
        var kind = (Get("--scorer") ?? "dotnet").ToLowerInvariant() switch
        {
            "dotnet" => ScorerKind.Dotnet,
            "python" => ScorerKind.Python,
            var other => throw Usage($"Unknown scorer kind '{other}'; expected 'dotnet' or 'python'."),
        };
        var defaults = new ScoringHostCommandLine { ModelDirectory = modelDir };
        var result = new ScoringHostCommandLine
        {
            ModelDirectory = modelDir,
            Scorer = kind,
            ScorerAssembly = Get("--scorer-assembly"),
            ScorerType = Get("--scorer-type"),
            ScorePy = Get("--score-py"),
            Python = Get("--python") ?? defaults.Python,
            Workers = Int("--workers", Get("--workers"), defaults.Workers, 1),
            Urls = Urls(Get("--urls") ?? defaults.Urls),
            Keys = keys,
            MaxBodyBytes = Long("--max-body-bytes", Get("--max-body-bytes"), defaults.MaxBodyBytes),
            TimeoutMs = Int("--timeout-ms", Get("--timeout-ms"), defaults.TimeoutMs, 1),
            MaxConcurrency = Int("--max-concurrency", Get("--max-concurrency"), defaults.MaxConcurrency, 1),
            InstanceSecret = Nullify(env(ScoringHostCommandLine.InstanceSecretEnvironmentVariable)),
            SignaturePath = Get("--signature"),
        };
        if (kind == ScorerKind.Dotnet && result.ScorerAssembly is null) throw Usage("A .NET scorer needs --scorer-assembly PATH.");
        if (kind == ScorerKind.Python && result.ScorePy is null) throw Usage("A Python scorer needs --score-py PATH.");
        return result;
    }

    private static string Urls(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                throw Usage($"Listen URL '{url}' uses https; the scoring host serves plain http (put TLS in the router or ingress in front of it), e.g. 'http://0.0.0.0:8080'.");
            if (!url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
                throw Usage($"Listen URL '{url}' is not an http:// URL, e.g. 'http://0.0.0.0:8080'.");
        }
        return urls;
    }

    private static string? Nullify(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static int Int(string name, string? text, int fallback, int min) =>
        (int)Math.Min(int.MaxValue, Long(name, text, fallback, min));

    private static long Long(string name, string? text, long fallback, long min = 1)
    {
        if (text is null) return fallback;
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min)
            throw Usage($"Option '{name}' has value '{text}'; expected an integer ≥ {min}.");
        return v;
    }

    private static ArgumentException Usage(string problem) => new(problem + Environment.NewLine +
        "usage: dotnet MlPipelines.Serving.dll --model-dir DIR [--scorer dotnet|python] [--scorer-assembly PATH] [--scorer-type NAME]" +
        " [--score-py PATH] [--python PATH] [--workers N] [--urls URLS | --port N] [--key KEY]... [--max-body-bytes N]" +
        " [--timeout-ms N] [--max-concurrency N] [--signature PATH]");
}
