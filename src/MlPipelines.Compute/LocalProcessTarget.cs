using System.ComponentModel;
using System.Diagnostics;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Processes;
using MlPipelines.Core.Runs;

namespace MlPipelines.Compute;

/// <summary>
/// Runs a job as a local child process. On Unix the process leads its own process group and is guarded by
/// <see cref="GuardedProcess"/>: cancellation, timeouts, the end of the job and the death of this process (even by
/// SIGKILL) kill every process it started, grandchildren included.
/// </summary>
public sealed class LocalProcessTarget : IComputeTarget
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);
    // How long a reader lets a trickling pipe fill before reading again (see Utf8LineReader): the most a line is delayed.
    private static readonly TimeSpan CoalesceReads = TimeSpan.FromMilliseconds(2);

    /// <inheritdoc />
    public string Name => "local";

    /// <inheritdoc />
    public async Task<ComputeResult> RunAsync(ComputeJob job, ComputeObserver observer, CancellationToken cancellationToken)
    {
        var program = ExecutableResolver.Resolve(job.FileName, job.WorkingDirectory);
        var psi = CreateStartInfo(job, program);
        var gate = new object();
        var sw = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        if (cancellationToken.IsCancellationRequested) return new ComputeResult(-1, TimeSpan.Zero) { Canceled = true };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw MlpException.Invalid($"Command '{job.FileName}' could not be started: {e.Message}.");
        }
        var pid = process.Id;
        observer.OnStarted?.Invoke(new ComputeJobStarted(pid, Environment.MachineName, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var pumps = Task.WhenAll(
            Pump(process.StandardOutput, LogStream.Stdout, observer, gate),
            Pump(process.StandardError, LogStream.Stderr, observer, gate));

        using var timeoutCts = job.Timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        bool timedOut = false, canceled = false;
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            canceled = cancellationToken.IsCancellationRequested;
            timedOut = !canceled;
            await ProcessTree.KillAsync(pid, job.KillGracePeriod).ConfigureAwait(false);
            try { await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
            catch (TimeoutException) { }
        }

        // Closing the lifeline lets the guard end whatever the job left behind in its group (e.g. `cmd &`); the group
        // kill below covers targets without the guard. Otherwise leftovers would hold the pipes open.
        try { process.StandardInput.Close(); } catch (IOException) { }
        if (ProcessTree.GroupIsAlive(pid)) ProcessTree.KillNow(pid);
        try { await pumps.WaitAsync(DrainTimeout).ConfigureAwait(false); }
        catch (TimeoutException) { }

        var exitCode = process.HasExited ? process.ExitCode : -1;
        return new ComputeResult(exitCode, sw.Elapsed) { TimedOut = timedOut, Canceled = canceled };
    }

    private static ProcessStartInfo CreateStartInfo(ComputeJob job, string program)
    {
        var psi = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = job.WorkingDirectory ?? Environment.CurrentDirectory,
        };
        GuardedProcess.Apply(psi, program, job.Arguments);
        foreach (var (k, v) in job.Environment)
        {
            if (v is null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        }
        return psi;
    }

    /// <summary>Reads one stream on a thread of its own: blocking reads of a pipe cost far less per line than asynchronous ones.</summary>
    private static Task Pump(StreamReader reader, LogStream stream, ComputeObserver observer, object gate) => Task.Factory.StartNew(() =>
    {
        var lines = new Utf8LineReader(reader.BaseStream, CoalesceReads); // bytes, so that invalid UTF-8 is seen (and reported) per line
        while (lines.ReadLine() is { } line)
        {
            if (observer.OnOutput is null) continue;
            lock (gate) observer.OnOutput(new OutputLine(stream, DateTimeOffset.UtcNow, line.Text) { InvalidUtf8 = line.InvalidUtf8 });
        }
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
