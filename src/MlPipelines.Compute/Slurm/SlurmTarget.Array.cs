using System.Diagnostics;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;

namespace MlPipelines.Compute.Slurm;

public sealed partial class SlurmTarget
{
    /// <summary>
    /// Submits the jobs as one Slurm job array (<c>--array=0-N%K</c>): each task runs its own staged script, writes its
    /// own logs and exit-code file; one <c>squeue -r</c> per interval follows every task; a stopped job is
    /// <c>scancel JOB_TASK</c>, a cancelled array <c>scancel JOB</c>.
    /// </summary>
    public async Task<IReadOnlyList<ComputeResult>> RunArrayAsync(IReadOnlyList<ComputeJob> jobs, int maxConcurrent, IReadOnlyList<ComputeObserver> observers,
        IReadOnlyList<CancellationToken> jobCancellation, CancellationToken cancellationToken)
    {
        if (jobs.Count == 0) return [];
        if (cancellationToken.IsCancellationRequested) return jobs.Select(_ => new ComputeResult(-1, TimeSpan.Zero) { Canceled = true }).ToList();
        var sw = Stopwatch.StartNew();
        var arrayDir = Path.Combine(Path.GetFullPath(_options.StagingDirectory), $"array-{Guid.NewGuid():N}");
        Directory.CreateDirectory(arrayDir);
        var stagings = new List<SlurmStaging>();
        try
        {
            var scripts = new List<string>();
            foreach (var job in jobs)
            {
                var staging = SlurmStaging.Create(_options, job);
                stagings.Add(staging);
                var environment = new Dictionary<string, string?>(job.Environment, StringComparer.Ordinal);
                if (staging.OutputDirectory is { } outputs) environment["MLP_OUTPUT_DIR"] = outputs;
                var script = Path.Combine(staging.Directory, "job.sh");
                await File.WriteAllTextAsync(script, SlurmBatchScript.Render(job, ExecutableResolver.Resolve(job.FileName, job.WorkingDirectory), _options,
                    staging.Directory, staging.WorkingDirectory, environment, arrayTask: true), CancellationToken.None).ConfigureAwait(false);
                scripts.Add(script);
            }
            var arrayScript = Path.Combine(arrayDir, "array.sh");
            await File.WriteAllTextAsync(arrayScript, SlurmBatchScript.RenderArray(jobs[0], _options, arrayDir, scripts, maxConcurrent), CancellationToken.None).ConfigureAwait(false);
            var jobId = await _commands.SubmitAsync(arrayScript, cancellationToken).ConfigureAwait(false);
            return await FollowArrayAsync(jobs, jobId, stagings, observers, jobCancellation, maxConcurrent, sw, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!_options.KeepStaging)
            {
                foreach (var s in stagings) s.Delete();
                try { Directory.Delete(arrayDir, recursive: true); } catch (IOException) { }
            }
        }
    }

    private sealed class ArrayTask(int index)
    {
        public int Index { get; } = index;
        public string? State { get; set; }
        public bool Started { get; set; }
        public bool Ended { get; set; }
        public bool Stopped { get; set; }
        public int MissingPolls { get; set; }
        public object Gate { get; } = new();
        public Task Pumps { get; set; } = Task.CompletedTask;
        public FileFollower[] Followers { get; set; } = [];
    }

    private async Task<IReadOnlyList<ComputeResult>> FollowArrayAsync(IReadOnlyList<ComputeJob> jobs, string jobId, List<SlurmStaging> stagings,
        IReadOnlyList<ComputeObserver> observers, IReadOnlyList<CancellationToken> jobCancellation, int maxConcurrent, Stopwatch sw, CancellationToken cancellationToken)
    {
        var tasks = jobs.Select((_, i) => new ArrayTask(i)).ToList();
        void System(ArrayTask t, string text) { lock (t.Gate) observers[t.Index].OnOutput?.Invoke(new OutputLine(LogStream.System, DateTimeOffset.UtcNow, text)); }
        foreach (var t in tasks)
        {
            var dir = stagings[t.Index].Directory;
            var stdout = new FileFollower(Path.Combine(dir, SlurmBatchScript.StdoutFile), _options.LogPollInterval);
            var stderr = new FileFollower(Path.Combine(dir, SlurmBatchScript.StderrFile), _options.LogPollInterval);
            t.Followers = [stdout, stderr];
            System(t, $"Slurm job {jobId}_{t.Index} submitted to target '{Name}' (task {t.Index} of a {jobs.Count}-task array, {Math.Max(1, maxConcurrent)} at once).");
            t.Pumps = Task.WhenAll(Pump(stdout, LogStream.Stdout, observers[t.Index], t.Gate, stagings[t.Index], jobs[t.Index]),
                Pump(stderr, LogStream.Stderr, observers[t.Index], t.Gate, stagings[t.Index], jobs[t.Index]));
        }

        var canceled = false;
        using var deadline = jobs[0].Timeout is { } limit ? new CancellationTokenSource(limit) : new CancellationTokenSource();
        while (tasks.Any(t => !t.Ended))
        {
            if (cancellationToken.IsCancellationRequested || deadline.IsCancellationRequested)
            {
                canceled = cancellationToken.IsCancellationRequested;
                foreach (var t in tasks.Where(t => !t.Ended)) { t.Stopped = true; System(t, $"Slurm job array {jobId}: {(canceled ? "canceled" : "timed out")}; running scancel."); }
                await _commands.CancelAsync(jobId, CancellationToken.None).ConfigureAwait(false);
                await WaitArrayEndedAsync(jobId, tasks).ConfigureAwait(false);
                break;
            }
            foreach (var t in tasks.Where(t => !t.Ended && !t.Stopped && jobCancellation[t.Index].IsCancellationRequested))
            {
                t.Stopped = true;
                System(t, $"Slurm job {jobId}_{t.Index} stopped; running scancel.");
                await _commands.CancelAsync($"{jobId}_{t.Index}", CancellationToken.None).ConfigureAwait(false);
            }
            IReadOnlyDictionary<int, SlurmJobInfo> states;
            try { states = await _commands.ArrayTasksAsync(jobId, CancellationToken.None).ConfigureAwait(false); }
            catch (MlpException) { states = new Dictionary<int, SlurmJobInfo>(); } // slurmctld busy: the next poll retries
            foreach (var t in tasks.Where(t => !t.Ended))
            {
                if (!states.TryGetValue(t.Index, out var info))
                {
                    // Gone from squeue (MinJobAge passed, or never listed): its exit-code file, or a few polls, settle it.
                    if (ReadExitCode(stagings[t.Index]) is not null || ++t.MissingPolls > 5) t.Ended = true;
                    continue;
                }
                t.MissingPolls = 0;
                var phase = SlurmJobState.Phase(info.State);
                if (info.State != t.State && phase == SlurmPhase.Waiting)
                {
                    System(t, $"Slurm job {info.JobId} is {info.State}" + (info.Reason is { } r ? $" ({r})" : "") + ".");
                    observers[t.Index].OnWaiting?.Invoke(info.Reason is { } why ? $"{info.State}: {why}" : info.State);
                }
                if (phase != SlurmPhase.Waiting && !t.Started)
                {
                    t.Started = true;
                    observers[t.Index].OnStarted?.Invoke(new ComputeJobStarted(0, info.Node ?? "slurm", info.JobId));
                }
                t.State = info.State;
                if (phase == SlurmPhase.Ended) t.Ended = true;
            }
            if (tasks.Any(t => !t.Ended)) await Task.Delay(_options.PollInterval, CancellationToken.None).ConfigureAwait(false);
        }

        var results = new List<ComputeResult>();
        foreach (var t in tasks)
        {
            foreach (var f in t.Followers) f.Complete();
            await t.Pumps.ConfigureAwait(false);
            stagings[t.Index].CopyOutputsBack(jobs[t.Index]);
            var state = SlurmJobState.Normalize(t.State ?? "UNKNOWN");
            var exitCode = ReadExitCode(stagings[t.Index]) ?? -1;
            var timedOut = !canceled && (state == "TIMEOUT" || (t.Stopped && deadline.IsCancellationRequested));
            var stoppedAlone = t.Stopped && !canceled && !timedOut;
            var detail = state switch
            {
                "COMPLETED" or "FAILED" => null,
                "CANCELLED" when t.Stopped => null,
                _ => $"Slurm job {jobId}_{t.Index} ended {state}",
            };
            if (detail is not null && exitCode == 0) exitCode = -1;
            results.Add(new ComputeResult(exitCode, sw.Elapsed) { Canceled = canceled || stoppedAlone, TimedOut = timedOut, Detail = detail });
        }
        return results;
    }

    private async Task WaitArrayEndedAsync(string jobId, List<ArrayTask> tasks)
    {
        var until = DateTime.UtcNow + CancelWait;
        while (DateTime.UtcNow < until)
        {
            var states = await _commands.ArrayTasksAsync(jobId, CancellationToken.None).ConfigureAwait(false);
            foreach (var t in tasks) if (states.TryGetValue(t.Index, out var i)) t.State = i.State;
            if (states.Values.All(s => SlurmJobState.Phase(s.State) == SlurmPhase.Ended)) { foreach (var t in tasks) t.Ended = true; return; }
            await Task.Delay(_options.PollInterval, CancellationToken.None).ConfigureAwait(false);
        }
        throw MlpException.Failed($"Slurm job array {jobId} did not end within {CancelWait.TotalSeconds:0} s of scancel; check it with `squeue -r -j {jobId}`.");
    }
}
