namespace MlPipelines.Examples.Tests;

/// <summary>Finds a Python 3 that can import scikit-learn: /usr/bin/python3 first (Debian's python3-sklearn), then python3 on PATH.</summary>
public static class SklearnPython
{
    private static readonly Lazy<(string? Path, string Reason)> Found = new(Find);

    public static string? Path => Found.Value.Path;
    public static string Reason => Found.Value.Reason;

    private static (string?, string) Find()
    {
        var tried = new List<string>();
        foreach (var candidate in new[] { "/usr/bin/python3", "python3" })
        {
            try
            {
                var r = Support.Run(candidate, ["-c", "import sklearn, joblib; print(sklearn.__version__)"], timeoutMs: 30_000);
                if (r.ExitCode == 0) return (candidate, "");
                tried.Add($"{candidate}: {r.Stderr.Trim().Split('\n').LastOrDefault()}");
            }
            catch (System.ComponentModel.Win32Exception e) { tried.Add($"{candidate}: {e.Message}"); }
        }
        return (null, "scikit-learn is not importable (install python3-sklearn): " + string.Join("; ", tried));
    }
}

/// <summary>A fact skipped, with the reason shown, when no Python with scikit-learn is present.</summary>
public sealed class RequiresSklearnFactAttribute : FactAttribute
{
    public RequiresSklearnFactAttribute()
    {
        if (SklearnPython.Path is null) Skip = SklearnPython.Reason;
    }
}
