using System.Diagnostics;
using System.Globalization;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;

namespace MlPipelines.Compute.Slurm;

/// <summary>
/// Runs a job on a Slurm cluster: renders a batch script into the job's staging folder (shared with the nodes),
/// submits it with <c>sbatch --parsable</c>, follows its state with batched <c>squeue</c>/<c>sacct</c> polling and its
/// log files as they grow, and takes the exit code from the file the script writes. Cancelling (or the job's timeout)
/// runs <c>scancel</c> and waits until Slurm says the job ended, so no job is left behind.
/// </summary>
public sealed partial class SlurmTarget : IComputeTarget
{
    private static readonly TimeSpan CancelWait = TimeSpan.FromSeconds(60);
    private readonly SlurmOptions _options;
    private readonly ISlurmCommands _commands;
    private readonly SlurmPoller _poller;

    /// <summary>A target submitting with <paramref name="commands"/> (the cluster's client tools by default).</summary>
    public SlurmTarget(SlurmOptions options, ISlurmCommands? commands = null)
    {
        if (options.StagingDirectory.Any(char.IsWhiteSpace))
            throw MlpException.Invalid($"The Slurm staging folder '{options.StagingDirectory}' contains white space, which #SBATCH lines cannot hold; choose another folder.");
        _options = options;
        _commands = commands ?? new SlurmCli();
        _poller = new SlurmPoller(_commands, options.PollInterval);
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <inheritdoc />
    public async Task<ComputeResult> RunAsync(ComputeJob job, ComputeObserver observer, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return new ComputeResult(-1, TimeSpan.Zero) { Canceled = true };
        var sw = Stopwatch.StartNew();
        var staging = SlurmStaging.Create(_options, job);
        try
        {
            var environment = new Dictionary<string, string?>(job.Environment, StringComparer.Ordinal);
            if (staging.OutputDirectory is { } outputs) environment["MLP_OUTPUT_DIR"] = outputs;
            var program = ExecutableResolver.Resolve(job.FileName, job.WorkingDirectory);
            var script = Path.Combine(staging.Directory, "job.sh");
            await File.WriteAllTextAsync(script, SlurmBatchScript.Render(job, program, _options, staging.Directory, staging.WorkingDirectory, environment), CancellationToken.None).ConfigureAwait(false);
            var jobId = await _commands.SubmitAsync(script, cancellationToken).ConfigureAwait(false);
            try
            {
                return await FollowAsync(job, jobId, staging, observer, sw, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _poller.Forget(jobId);
            }
        }
        finally
        {
            if (!_options.KeepStaging) staging.Delete();
        }
    }

    private async Task<ComputeResult> FollowAsync(ComputeJob job, string jobId, SlurmStaging staging, ComputeObserver observer, Stopwatch sw, CancellationToken cancellationToken)
    {
        var gate = new object();
        var stdout = new FileFollower(Path.Combine(staging.Directory, SlurmBatchScript.StdoutFile), _options.LogPollInterval);
        var stderr = new FileFollower(Path.Combine(staging.Directory, SlurmBatchScript.StderrFile), _options.LogPollInterval);
        void System(string text) { lock (gate) observer.OnOutput?.Invoke(new OutputLine(LogStream.System, DateTimeOffset.UtcNow, text)); }
        System($"Slurm job {jobId} submitted to target '{Name}'" + (_options.Partition is { } p ? $" (partition {p})" : "") + ".");
        var pumps = Task.WhenAll(Pump(stdout, LogStream.Stdout, observer, gate, staging, job), Pump(stderr, LogStream.Stderr, observer, gate, staging, job));

        using var timeoutCts = job.Timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        SlurmJobInfo? info = null;
        bool started = false, canceled = false, timedOut = false;
        try
        {
            while (true)
            {
                info = await _poller.NextAsync(jobId, info, linked.Token).ConfigureAwait(false);
                var phase = SlurmJobState.Phase(info.State);
                if (phase == SlurmPhase.Waiting)
                {
                    System($"Slurm job {jobId} is {info.State}" + (info.Reason is { } r ? $" ({r})" : "") + ".");
                    observer.OnWaiting?.Invoke(info.Reason is { } why ? $"{info.State}: {why}" : info.State);
                }
                if (phase != SlurmPhase.Waiting && !started)
                {
                    started = true;
                    observer.OnStarted?.Invoke(new ComputeJobStarted(0, info.Node ?? "slurm", jobId));
                }
                if (phase == SlurmPhase.Ended) break;
            }
        }
        catch (OperationCanceledException)
        {
            canceled = cancellationToken.IsCancellationRequested;
            timedOut = !canceled;
            System($"Slurm job {jobId}: {(canceled ? "canceled" : "timed out")}; running scancel.");
            info = await CancelAndWaitAsync(jobId, info).ConfigureAwait(false);
        }

        stdout.Complete();
        stderr.Complete();
        await pumps.ConfigureAwait(false);
        staging.CopyOutputsBack(job);
        var state = SlurmJobState.Normalize(info?.State ?? "UNKNOWN");
        // The wrapper's file is exact; without it (killed, out of memory, node lost) Slurm's code of the batch script is all there is.
        var exitCode = ReadExitCode(staging) ?? (info?.ExitCode is { } e && e != 0 ? e : -1);
        if (state == "TIMEOUT") timedOut = !canceled;
        var detail = state switch
        {
            "COMPLETED" or "FAILED" => null,
            "CANCELLED" when canceled || timedOut => null,
            _ => $"Slurm job {jobId} ended {state}",
        };
        if (detail is not null && exitCode == 0) exitCode = -1;
        return new ComputeResult(exitCode, sw.Elapsed) { Canceled = canceled, TimedOut = timedOut, Detail = detail };
    }

    private async Task<SlurmJobInfo?> CancelAndWaitAsync(string jobId, SlurmJobInfo? info)
    {
        using var wait = new CancellationTokenSource(CancelWait);
        try
        {
            await _commands.CancelAsync(jobId, wait.Token).ConfigureAwait(false);
            while (info is null || SlurmJobState.Phase(info.State) != SlurmPhase.Ended)
                info = await _poller.NextAsync(jobId, info, wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw MlpException.Failed($"Slurm job {jobId} did not end within {CancelWait.TotalSeconds:0} s of scancel; check it with `squeue -j {jobId}`.");
        }
        return info;
    }

    private static int? ReadExitCode(SlurmStaging staging)
    {
        var file = Path.Combine(staging.Directory, SlurmBatchScript.ExitCodeFile);
        return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : null;
    }

    // A protocol line that names a file (image, output) is handed on only after the staged outputs were copied back,
    // so the recorder finds the file in the job's output folder when it reads the line.
    private static Task Pump(FileFollower file, LogStream stream, ComputeObserver observer, object gate, SlurmStaging staging, ComputeJob job) => Task.Factory.StartNew(() =>
    {
        using (file)
        {
            var lines = new Utf8LineReader(file, TimeSpan.Zero);
            while (lines.ReadLine() is { } line)
            {
                if (observer.OnOutput is null) continue;
                if (staging.Copied && NamesAFile(line.Text)) staging.CopyOutputsBack(job);
                lock (gate) observer.OnOutput(new OutputLine(stream, DateTimeOffset.UtcNow, line.Text) { InvalidUtf8 = line.InvalidUtf8 });
            }
        }
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static bool NamesAFile(string line)
    {
        var t = line.TrimStart();
        return t.StartsWith("##mlp[image", StringComparison.Ordinal) || t.StartsWith("##mlp[output", StringComparison.Ordinal);
    }
}
