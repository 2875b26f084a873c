using MlPipelines.Core.Errors;
using MlPipelines.Core.Files;
using MlPipelines.Core.Protocol;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;

namespace MlPipelines.Core.Recording;

/// <summary>
/// The one recorder of everything a run logs — its output lines (<c>mlp run submit</c>, pipeline steps) and the C#
/// client's calls — with one set of rules:
/// <list type="bullet">
/// <item>every line goes to the run's log in order; stdout <c>##mlp</c> lines become metrics, params, tags, tables,
/// images and named outputs; a line's read time is the time of what it records;</item>
/// <item>a metric point without a step gets the step after the last one logged for that metric by this recorder
/// (0 for the first);</item>
/// <item>lines, metric points, params, tags, tables and images are batched and written by a background writer, so
/// the caller never waits on the store (<see cref="Flush"/> makes them durable now);</item>
/// <item>images and named outputs are looked up in the output folder, then the working folder, and links are never
/// followed out of the folder they were found in; outputs are recorded all or nothing (<see cref="CollectOutputs"/>,
/// <see cref="CommitOutputs"/>), each named output tagged <c>mlp.output.NAME</c>;</item>
/// <item>a problem (malformed line, invalid UTF-8, a value too large, a file not found, a write that failed) is never
/// fatal: it is logged as a System line <c>warning: …</c>, kept in <see cref="Warnings"/> and passed to
/// <see cref="RecorderOptions.OnWarning"/>.</item>
/// </list>
/// Safe for use from several threads.
/// </summary>
public sealed class RunRecorder : IDisposable
{
    // Beyond this many pending records the reader writes them itself rather than let memory grow without bound.
    private const int MaxPendingBatches = 50;

    private readonly object _gate = new();
    private readonly RecorderOptions _options;
    private readonly RecordWriter _writer;
    private readonly RunFiles _files;
    private readonly Dictionary<string, MetricSeries> _series = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MetricSeries>.AlternateLookup<ReadOnlySpan<char>> _seriesBySpan;
    private readonly Dictionary<string, string> _params = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];
    private PendingRecords _pending = new();
    private bool _woken;
    private bool _overloaded;
    private long _sequence;

    /// <summary>Creates a recorder for run <paramref name="runId"/>.</summary>
    public RunRecorder(IWorkspace workspace, string runId, RecorderOptions options)
    {
        _options = options;
        _files = new RunFiles(workspace, runId, options.OutputDirectory, options.WorkingDirectory);
        _writer = new RecordWriter(workspace.Runs, runId, Take, Warn, options.FlushInterval);
        _seriesBySpan = _series.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The warnings so far, in order.</summary>
    public IReadOnlyList<string> Warnings
    {
        get { lock (_gate) return [.. _warnings]; }
    }

    /// <summary>The latest value of every metric recorded so far (the point logged last, whatever its step).</summary>
    public IReadOnlyDictionary<string, double> LatestMetrics
    {
        get { lock (_gate) return _series.Values.ToDictionary(s => s.Name, s => s.Latest, StringComparer.Ordinal); }
    }

    /// <summary>
    /// Records one output line read at <paramref name="time"/>; <paramref name="invalidUtf8"/> says its bytes were not
    /// valid UTF-8 (the reader replaced them with U+FFFD). Returns true when it was a <c>##mlp</c> protocol line.
    /// </summary>
    public bool Record(LogStream stream, DateTimeOffset time, string text, bool invalidUtf8 = false)
    {
        if (stream != LogStream.Stdout || !MlpLineParser.IsProtocolLine(text))
        {
            lock (_gate) AddLine(stream, time, text);
            WriteIfOverloaded();
            return false;
        }
        if (!invalidUtf8 && MlpLineParser.TryParseMetric(text, out var name, out var value, out var step))
        {
            lock (_gate)
            {
                AddLine(stream, time, text);
                var series = _seriesBySpan.TryGetValue(name, out var known) ? known : NewSeries(name.ToString());
                _pending.Metrics.Add(new MetricPoint(series.Name, value, series.Take(value, step), time));
            }
            WriteIfOverloaded();
            return true;
        }
        lock (_gate) AddLine(stream, time, text);
        if (invalidUtf8 && MlpLineParser.InvalidUtf8Warning(text) is { } encoding) Warn(encoding, time);
        var result = MlpLineParser.Parse(text)!;
        if (result.Warning is not null) Warn(result.Warning, time);
        else
        {
            try { Apply(result.Command!, time); }
            catch (MlpException e) { Warn($"Ignored ##mlp line ({e.Message}): {text}", time); }
        }
        return true;
    }

    /// <summary>Records a metric point; without <paramref name="step"/> it gets the next step of that metric.</summary>
    public void LogMetric(string name, double value, long? step, DateTimeOffset time)
    {
        lock (_gate)
        {
            var series = _series.TryGetValue(name, out var known) ? known : NewSeries(name);
            _pending.Metrics.Add(new MetricPoint(series.Name, value, series.Take(value, step), time));
            Added();
        }
        WriteIfOverloaded();
    }

    /// <summary>Records a param; throws Conflict when this recorder already set it to another value.</summary>
    public void LogParam(string name, string value)
    {
        lock (_gate)
        {
            if (_params.TryGetValue(name, out var existing) && existing != value)
                throw MlpException.Conflict($"Param '{name}' is already '{existing}'; params are set once (got '{value}'). Use a tag for values that change.");
            _params[name] = value;
            _pending.Params[name] = value;
            Added();
        }
    }

    /// <summary>Records a tag (the last value wins).</summary>
    public void SetTag(string name, string value)
    {
        lock (_gate)
        {
            _pending.Tags[name] = value;
            Added();
        }
    }

    /// <summary>Records a table (JSON rows).</summary>
    public void AddTable(RunTable table)
    {
        lock (_gate)
        {
            _pending.Tables.Add(table);
            Added();
        }
    }

    /// <summary>Writes a line from MlPipelines itself (System stream), e.g. the command being run or a retry.</summary>
    public void Info(string text)
    {
        lock (_gate) AddLine(LogStream.System, DateTimeOffset.UtcNow, text);
    }

    /// <summary>Writes everything recorded so far; it is durable when this returns. Throws when a write failed (it was also warned).</summary>
    public void Flush() => _writer.Flush();

    /// <summary>
    /// Adds the files left in the output folder to the named outputs (files are stored, no output is recorded yet) and
    /// warns about skipped links. Returns why collection failed (then nothing can be committed), or null.
    /// </summary>
    public string? CollectOutputs(out IReadOnlyCollection<RunOutput> outputs)
    {
        OutputBatch batch;
        lock (_files) batch = _files.Collect();
        foreach (var w in batch.Warnings) Warn(w);
        outputs = batch.Outputs;
        return batch.Failure;
    }

    /// <summary>Records the collected outputs and tags the named ones; throws Failed (recording nothing) when collection failed.</summary>
    public void CommitOutputs()
    {
        lock (_files) _files.Commit();
    }

    /// <summary>Forgets collected and named outputs: a retried step attempt starts with none.</summary>
    public void ResetOutputs()
    {
        lock (_files) _files.Reset();
    }

    /// <summary>Writes what is left and stops the background writer. Never throws for a failed write (it was warned).</summary>
    public void Dispose() => _writer.Dispose();

    private void Apply(MlpCommand command, DateTimeOffset time)
    {
        switch (command)
        {
            case MetricCommand m: LogMetric(m.Name, m.Value, m.Step, time); break;
            case ParamCommand p: LogParam(p.Name, p.Value); break;
            case TagCommand t: SetTag(t.Name, t.Value); break;
            case TableCommand t: AddTable(new RunTable(t.Name, t.RowsJson, time)); break;
            case ImageCommand i:
                RunImage image;
                lock (_files) image = _files.Image(i, time);
                lock (_gate)
                {
                    _pending.Images.Add(image);
                    Added();
                }
                break;
            case OutputCommand o:
                lock (_files) _files.NamedOutput(o);
                break;
        }
    }

    private void Warn(string warning) => Warn(warning, DateTimeOffset.UtcNow);

    private void Warn(string warning, DateTimeOffset time)
    {
        lock (_gate)
        {
            _warnings.Add(warning);
            AddLine(LogStream.System, time, "warning: " + warning);
        }
        _options.OnWarning?.Invoke(warning);
    }

    private MetricSeries NewSeries(string name)
    {
        var series = new MetricSeries(name);
        _series[name] = series;
        return series;
    }

    // Callers hold _gate.
    private void AddLine(LogStream stream, DateTimeOffset time, string text)
    {
        _pending.Lines.Add(new LogLine(_sequence++, stream, time, text));
        Added();
    }

    // Callers hold _gate.
    private void Added()
    {
        var count = _pending.Count;
        if (count == 1) _writer.Start();
        if (count >= _options.BatchSize && !_woken)
        {
            _woken = true;
            _writer.Wake();
        }
        if (count >= _options.BatchSize * MaxPendingBatches) _overloaded = true;
    }

    // Called without _gate: the one case where the caller waits on the store (the writer fell far behind).
    private void WriteIfOverloaded()
    {
        if (Volatile.Read(ref _overloaded)) _writer.WritePending();
    }

    private PendingRecords? Take()
    {
        lock (_gate)
        {
            _woken = false;
            _overloaded = false;
            if (_pending.Count == 0) return null;
            var taken = _pending;
            _pending = new PendingRecords();
            return taken;
        }
    }
}
