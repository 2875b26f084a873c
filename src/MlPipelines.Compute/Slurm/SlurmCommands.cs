using System.Diagnostics;
using System.Globalization;
using MlPipelines.Core.Errors;

namespace MlPipelines.Compute.Slurm;

/// <summary>One job as Slurm reports it.</summary>
/// <param name="JobId">The job id.</param>
/// <param name="State">Slurm's state name, e.g. <c>PENDING</c>, <c>RUNNING</c>, <c>OUT_OF_MEMORY</c>.</param>
/// <param name="Reason">Why a pending job waits (<c>Resources</c>, <c>Priority</c>…), or null.</param>
/// <param name="Node">The node it runs on, or null.</param>
/// <param name="ExitCode">Slurm's exit code of the batch script (<c>sacct ExitCode</c> before the ':'), when known.</param>
public sealed record SlurmJobInfo(string JobId, string State, string? Reason, string? Node, int? ExitCode = null);

/// <summary>The Slurm commands the target uses; the real one runs the cluster's client tools, tests may replay recorded answers.</summary>
public interface ISlurmCommands
{
    /// <summary><c>sbatch --parsable SCRIPT</c>; returns the job id.</summary>
    Task<string> SubmitAsync(string scriptPath, CancellationToken cancellationToken);
    /// <summary>The states of the given jobs (one <c>squeue</c> call; jobs Slurm no longer lists are looked up with <c>sacct</c>).</summary>
    Task<IReadOnlyList<SlurmJobInfo>> StatesAsync(IReadOnlyCollection<string> jobIds, CancellationToken cancellationToken);
    /// <summary><c>scancel JOB</c> (or <c>JOB_TASK</c> for one task of an array).</summary>
    Task CancelAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>The tasks of job array <paramref name="arrayJobId"/> by task index (one <c>squeue -r</c> call; ended tasks while Slurm remembers them).</summary>
    Task<IReadOnlyDictionary<int, SlurmJobInfo>> ArrayTasksAsync(string arrayJobId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("These Slurm commands do not list job array tasks.");
}

/// <summary>Runs Slurm's client tools (<c>sbatch</c>, <c>squeue</c>, <c>sacct</c>, <c>scancel</c>) found on PATH.</summary>
public sealed class SlurmCli : ISlurmCommands
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    /// <inheritdoc />
    public async Task<string> SubmitAsync(string scriptPath, CancellationToken cancellationToken)
    {
        var (code, stdout, stderr) = await RunAsync("sbatch", ["--parsable", scriptPath], cancellationToken).ConfigureAwait(false);
        if (code != 0) throw MlpException.Failed($"sbatch refused the job: {Last(stderr, stdout)} (exit code {code}; script '{scriptPath}').");
        var id = stdout.Trim().Split(';')[0]; // "id" or "id;cluster"
        if (id.Length == 0 || !id.All(char.IsAsciiDigit)) throw MlpException.Failed($"sbatch printed '{stdout.Trim()}' where a job id was expected.");
        return id;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SlurmJobInfo>> StatesAsync(IReadOnlyCollection<string> jobIds, CancellationToken cancellationToken)
    {
        if (jobIds.Count == 0) return [];
        var list = string.Join(',', jobIds);
        var (code, stdout, stderr) = await RunAsync("squeue", ["--noheader", "--states=all", "--format=%i|%T|%r|%N", "--jobs=" + list], cancellationToken).ConfigureAwait(false);
        var found = new Dictionary<string, SlurmJobInfo>(StringComparer.Ordinal);
        // squeue exits 1 ("Invalid job id specified") when every job has left its memory; that is not an error here.
        if (code != 0 && !stderr.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase))
            throw MlpException.Failed($"squeue failed: {Last(stderr, stdout)} (exit code {code}).");
        foreach (var line in Lines(stdout))
        {
            var f = line.Split('|');
            if (f.Length < 4 || !jobIds.Contains(f[0])) continue;
            found[f[0]] = new SlurmJobInfo(f[0], f[1], NullIf(f[2]), NullIf(f[3]));
        }
        var missing = jobIds.Where(id => !found.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            // -c reads the job-completion log: clusters without accounting storage still have it.
            var args = new List<string> { "--noheader", "--parsable2", "--format=JobID,State,ExitCode", "--jobs=" + string.Join(',', missing) };
            var acct = await RunAsync("sacct", args, cancellationToken).ConfigureAwait(false);
            if (acct.Code != 0 || Lines(acct.Stdout).Count == 0) acct = await RunAsync("sacct", ["-c", .. args], cancellationToken).ConfigureAwait(false);
            foreach (var line in Lines(acct.Stdout))
            {
                var f = line.Split('|');
                if (f.Length < 3 || !missing.Contains(f[0])) continue; // skips steps such as "12.batch"
                var exit = f[2].Split(':')[0];
                found[f[0]] = new SlurmJobInfo(f[0], f[1], null, null,
                    int.TryParse(exit, NumberStyles.Integer, CultureInfo.InvariantCulture, out var e) ? e : null);
            }
        }
        return found.Values.ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<int, SlurmJobInfo>> ArrayTasksAsync(string arrayJobId, CancellationToken cancellationToken)
    {
        var (code, stdout, stderr) = await RunAsync("squeue", ["-r", "--noheader", "--states=all", "--format=%i|%K|%T|%r|%N", "--jobs=" + arrayJobId], cancellationToken).ConfigureAwait(false);
        if (code != 0 && !stderr.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase))
            throw MlpException.Failed($"squeue failed: {Last(stderr, stdout)} (exit code {code}).");
        var tasks = new Dictionary<int, SlurmJobInfo>();
        foreach (var line in Lines(stdout))
        {
            var f = line.Split('|');
            if (f.Length < 5 || !f[0].StartsWith(arrayJobId + "_", StringComparison.Ordinal)) continue;
            if (int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                tasks[index] = new SlurmJobInfo(f[0], f[2], NullIf(f[3]), NullIf(f[4]));
        }
        return tasks;
    }

    /// <inheritdoc />
    public async Task CancelAsync(string jobId, CancellationToken cancellationToken)
    {
        var (code, stdout, stderr) = await RunAsync("scancel", [jobId], cancellationToken).ConfigureAwait(false);
        if (code != 0) throw MlpException.Failed($"scancel {jobId} failed: {Last(stderr, stdout)} (exit code {code}).");
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string program, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = new Process { StartInfo = psi };
        try { process.Start(); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw MlpException.Invalid($"'{program}' could not be started ({e.Message}): the Slurm client tools must be on PATH on the machine that submits jobs.");
        }
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try { await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false); }
        catch (OperationCanceledException)
        {
            try { process.Kill(); } catch (InvalidOperationException) { }
            if (cancellationToken.IsCancellationRequested) throw;
            throw MlpException.Failed($"'{program} {string.Join(' ', args)}' did not answer within {CommandTimeout.TotalSeconds:0} s; is slurmctld (and munged) running?");
        }
        return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    private static List<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    private static string? NullIf(string s) => s is "" or "(null)" or "None" ? null : s;
    private static string Last(string stderr, string stdout) => (stderr.Trim().Length > 0 ? stderr : stdout).Trim().ReplaceLineEndings(" ");
}
