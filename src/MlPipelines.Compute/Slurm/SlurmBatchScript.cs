using System.Globalization;
using System.Text;

namespace MlPipelines.Compute.Slurm;

/// <summary>
/// Renders the batch script of a job (pure: text in, text out). The script is a bash wrapper: <c>#SBATCH</c> lines from
/// the job's resources and the target's options, the job's variables, then the command; it writes the command's exit
/// code to a file, so the code the run records is exact (Slurm's own only says the batch step's).
/// </summary>
public static class SlurmBatchScript
{
    /// <summary>The file the wrapper writes the command's exit code into (renamed into place, so it is never half-written).</summary>
    public const string ExitCodeFile = "exit_code";
    /// <summary>The job's standard output.</summary>
    public const string StdoutFile = "stdout.log";
    /// <summary>The job's standard error.</summary>
    public const string StderrFile = "stderr.log";

    /// <summary>The script for <paramref name="job"/> run in <paramref name="workingDirectory"/> with its files in <paramref name="jobDirectory"/>.</summary>
    public static string Render(ComputeJob job, string program, SlurmOptions options, string jobDirectory, string workingDirectory,
        IReadOnlyDictionary<string, string?> environment)
    {
        var sb = new StringBuilder("#!/bin/bash\n");
        void Directive(string option) => sb.Append("#SBATCH ").Append(option).Append('\n');
        Directive("--job-name=" + Clean(job.Name ?? "mlp-job"));
        Directive("--output=" + Path.Combine(jobDirectory, StdoutFile));
        Directive("--error=" + Path.Combine(jobDirectory, StderrFile));
        Directive("--nodes=1");
        Directive("--ntasks=1");
        if ((job.Resources.Cpus ?? options.Cpus) is { } cpus) Directive("--cpus-per-task=" + cpus.ToString(CultureInfo.InvariantCulture));
        if ((job.Resources.MemoryMb ?? options.MemoryMb) is { } mem) Directive("--mem=" + mem.ToString(CultureInfo.InvariantCulture) + "M");
        if ((job.Resources.Gpus ?? options.Gpus) is { } gpus and > 0) Directive("--gres=gpu:" + gpus.ToString(CultureInfo.InvariantCulture));
        if ((job.Timeout ?? options.TimeLimit) is { } limit) Directive("--time=" + TimeLimit(limit));
        if (options.Partition is { } partition) Directive("--partition=" + Clean(partition));
        if (options.Account is { } account) Directive("--account=" + Clean(account));
        if (options.Qos is { } qos) Directive("--qos=" + Clean(qos));
        foreach (var extra in options.ExtraDirectives) Directive(Clean(extra));
        sb.Append("cd ").Append(Quote(workingDirectory)).Append(" || exit 97\n");
        foreach (var (key, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!IsVariableName(key)) throw new ArgumentException($"'{key}' is not a valid environment variable name.", nameof(environment));
            sb.Append(value is null ? $"unset {key}\n" : $"export {key}={Quote(value)}\n");
        }
        sb.Append(Quote(program));
        foreach (var a in job.Arguments) sb.Append(' ').Append(Quote(a));
        sb.Append(" </dev/null\n");
        var exitFile = Quote(Path.Combine(jobDirectory, ExitCodeFile));
        sb.Append("code=$?\n");
        sb.Append($"printf '%s\\n' \"$code\" > {exitFile}.tmp && mv -f {exitFile}.tmp {exitFile}\n");
        sb.Append("exit \"$code\"\n");
        return sb.ToString();
    }

    /// <summary>Slurm's <c>--time</c> format: <c>D-HH:MM:SS</c>, rounded up to whole seconds (at least one).</summary>
    public static string TimeLimit(TimeSpan limit)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling(limit.TotalSeconds));
        var t = TimeSpan.FromSeconds(seconds);
        return t.Days > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{t.Days}-{t.Hours:00}:{t.Minutes:00}:{t.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}");
    }

    /// <summary>Single-quotes a word for bash.</summary>
    public static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    // A directive is one line; a newline would start a command of its own.
    private static string Clean(string s) => s.Contains('\n') || s.Contains('\r')
        ? throw new ArgumentException($"A Slurm option cannot contain a line break: '{s.ReplaceLineEndings(" ")}'.")
        : s;

    private static bool IsVariableName(string s) =>
        s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_') && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
