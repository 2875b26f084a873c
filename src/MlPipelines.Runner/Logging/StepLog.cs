using MlPipelines.Core.Errors;
using MlPipelines.Core.Recording;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;
using MlPipelines.Runner.Execution;
using MlPipelines.Runner.Progress;

namespace MlPipelines.Runner.Logging;

/// <summary>
/// A step's log: the step run's <see cref="RunRecorder"/> (the rules of <c>mlp run submit</c>) plus the progress
/// display, which gets every line except <c>##mlp</c> protocol lines (they are recorded, not shown) and every warning.
/// </summary>
internal sealed class StepLog : IStepLog, IDisposable
{
    private readonly string _stepName;
    private readonly IRunProgress _progress;

    public StepLog(IWorkspace workspace, string runId, string stepName, string outputDirectory, string workingDirectory, TimeSpan flushInterval, IRunProgress progress)
    {
        _stepName = stepName;
        _progress = progress;
        Recorder = new RunRecorder(workspace, runId, new RecorderOptions
        {
            OutputDirectory = outputDirectory,
            WorkingDirectory = workingDirectory,
            FlushInterval = flushInterval,
            OnWarning = w => progress.Output(stepName, LogStream.System, "warning: " + w),
        });
    }

    /// <summary>The step run's recorder (outputs are collected through it).</summary>
    public RunRecorder Recorder { get; }

    public void Write(LogStream stream, string text) => Write(stream, text, DateTimeOffset.UtcNow);

    public void Write(LogStream stream, string text, DateTimeOffset readAt, bool invalidUtf8 = false)
    {
        if (!Recorder.Record(stream, readAt, text, invalidUtf8)) _progress.Output(_stepName, stream, text);
    }

    public void Info(string text)
    {
        Recorder.Info(text);
        _progress.Output(_stepName, LogStream.System, text);
    }

    public IReadOnlyDictionary<string, double> LatestMetrics => Recorder.LatestMetrics;

    /// <summary>Writes everything recorded so far. A failed write was already shown as a warning; it is not thrown.</summary>
    public void Flush()
    {
        try { Recorder.Flush(); }
        catch (MlpException) { }
    }

    public void Dispose() => Recorder.Dispose();
}
