using System.Collections.Concurrent;

namespace MlPipelines.Compute.Slurm;

/// <summary>
/// Polls the states of every active job of a target with one <c>squeue</c> call per interval (not one per job), and
/// hands each job its latest state. Starts with the first job and stops when none is left.
/// </summary>
internal sealed class SlurmPoller(ISlurmCommands commands, TimeSpan interval)
{
    private readonly ConcurrentDictionary<string, Channel> _jobs = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private Task? _loop;

    /// <summary>Waits for the next state of <paramref name="jobId"/> that differs from <paramref name="known"/> (or any when null).</summary>
    public async Task<SlurmJobInfo> NextAsync(string jobId, SlurmJobInfo? known, CancellationToken cancellationToken)
    {
        var channel = _jobs.GetOrAdd(jobId, _ => new Channel());
        EnsureRunning();
        while (true)
        {
            var (info, changed) = channel.Snapshot();
            if (info is not null && (known is null || info.State != known.State || info.Reason != known.Reason || info.Node != known.Node)) return info;
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops polling <paramref name="jobId"/>.</summary>
    public void Forget(string jobId) => _jobs.TryRemove(jobId, out _);

    /// <summary>The last error of a poll (e.g. slurmctld down), shown to jobs that wait long.</summary>
    public string? LastError { get; private set; }

    private void EnsureRunning()
    {
        lock (_gate)
        {
            if (_loop is { IsCompleted: false }) return;
            _loop = Task.Run(LoopAsync);
        }
    }

    private async Task LoopAsync()
    {
        while (true)
        {
            var ids = _jobs.Keys.ToList();
            if (ids.Count == 0)
            {
                lock (_gate) { if (_jobs.IsEmpty) { _loop = null; return; } }
                continue;
            }
            try
            {
                foreach (var info in await commands.StatesAsync(ids, CancellationToken.None).ConfigureAwait(false))
                    if (_jobs.TryGetValue(info.JobId, out var channel)) channel.Publish(info);
                LastError = null;
            }
            catch (Exception e) when (e is Core.Errors.MlpException or IOException or InvalidOperationException)
            {
                LastError = e.Message; // the next poll retries; the jobs keep waiting
            }
            await Task.Delay(interval).ConfigureAwait(false);
        }
    }

    private sealed class Channel
    {
        private SlurmJobInfo? _info;
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public (SlurmJobInfo? Info, Task Changed) Snapshot()
        {
            lock (this) return (_info, _changed.Task);
        }

        public void Publish(SlurmJobInfo info)
        {
            TaskCompletionSource fire;
            lock (this)
            {
                if (_info == info) return;
                _info = info;
                fire = _changed;
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            fire.TrySetResult();
        }
    }
}
