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
    /// <remarks>
    /// As a task of a job array (<paramref name="arrayTask"/>) the script is run by the array's script: its directives
    /// are then only comments, so it sends its own output to its log files.
    /// </remarks>
    public static string Render(ComputeJob job, string program, SlurmOptions options, string jobDirectory, string workingDirectory,
        IReadOnlyDictionary<string, string?> environment, bool arrayTask = false)
    {
        var sb = new StringBuilder("#!/bin/bash\n");
        void Directive(string option) => sb.Append("#SBATCH ").Append(option).Append('\n');
        Directive("--job-name=" + Clean(job.Name ?? "mlp-job"));
        Directive("--output=" + Path.Combine(jobDirectory, StdoutFile));
        Directive("--error=" + Path.Combine(jobDirectory, StderrFile));
        Resources(job, options, Directive);
        if (arrayTask) sb.Append($"exec >{Quote(Path.Combine(jobDirectory, StdoutFile))} 2>{Quote(Path.Combine(jobDirectory, StderrFile))}\n");
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

    /// <summary>
    /// The script of a job array: one task per job script in <paramref name="taskScripts"/> (task i runs script i), at
    /// most <paramref name="maxConcurrent"/> at once (<c>--array=0-N%K</c>), with the resources of <paramref name="first"/>
    /// (the trials of a sweep ask for the same).
    /// </summary>
    public static string RenderArray(ComputeJob first, SlurmOptions options, string arrayDirectory, IReadOnlyList<string> taskScripts, int maxConcurrent)
    {
        var sb = new StringBuilder("#!/bin/bash\n");
        void Directive(string option) => sb.Append("#SBATCH ").Append(option).Append('\n');
        Directive("--job-name=" + Clean(first.Name ?? "mlp-array"));
        Directive($"--array=0-{taskScripts.Count - 1}%{Math.Max(1, maxConcurrent)}");
        Directive("--output=" + Path.Combine(arrayDirectory, "task-%a.log"));
        Resources(first, options, Directive);
        sb.Append("scripts=(");
        foreach (var script in taskScripts) sb.Append(' ').Append(Quote(script));
        sb.Append(" )\n");
        sb.Append("exec /bin/bash \"${scripts[$SLURM_ARRAY_TASK_ID]}\"\n");
        return sb.ToString();
    }

    private static void Resources(ComputeJob job, SlurmOptions options, Action<string> directive)
    {
        directive("--nodes=1");
        directive("--ntasks=1");
        if ((job.Resources.Cpus ?? options.Cpus) is { } cpus) directive("--cpus-per-task=" + cpus.ToString(CultureInfo.InvariantCulture));
        if ((job.Resources.MemoryMb ?? options.MemoryMb) is { } mem) directive("--mem=" + mem.ToString(CultureInfo.InvariantCulture) + "M");
        if ((job.Resources.Gpus ?? options.Gpus) is { } gpus and > 0) directive("--gres=gpu:" + gpus.ToString(CultureInfo.InvariantCulture));
        if ((job.Timeout ?? options.TimeLimit) is { } limit) directive("--time=" + TimeLimit(limit));
        if (options.Partition is { } partition) directive("--partition=" + Clean(partition));
        if (options.Account is { } account) directive("--account=" + Clean(account));
        if (options.Qos is { } qos) directive("--qos=" + Clean(qos));
        foreach (var extra in options.ExtraDirectives) directive(Clean(extra));
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
