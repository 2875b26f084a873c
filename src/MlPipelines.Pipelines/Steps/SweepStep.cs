using System.Globalization;

namespace MlPipelines.Pipelines;

/// <summary>Whether a sweep's objective metric is better low or high.</summary>
public enum SweepGoal
{
    /// <summary>Lower is better (loss, RMSE).</summary>
    Minimize,
    /// <summary>Higher is better (accuracy, AUC).</summary>
    Maximize,
}

/// <summary>
/// A hyperparameter sweep (Azure ML's sweep job): one command run once per trial — a grid, random samples or an explicit
/// list of parameter sets — at most <see cref="MaxConcurrent"/> at once, each trial a child run of the sweep's run. The
/// trials log the objective metric (<c>##mlp[metric …]</c> or MLflow); the best trial's outputs become the sweep's. On a
/// Slurm target the trials are one job array.
/// </summary>
public sealed class SweepStep : ProcessStep<SweepStep>
{
    internal SweepStep(PipelineBuilder owner, string name) : base(owner, name, "sweep")
    {
        Outputs = new TrainOutputs(this);
        _ = Outputs.Model;
    }

    internal List<SortedDictionary<string, string>> TrialSets { get; } = [];
    internal List<string> SpaceErrors { get; } = [];
    internal int MaxConcurrentTrials { get; private set; } = 4;
    internal string? ObjectiveMetric { get; private set; }
    internal SweepGoal Goal { get; private set; }
    internal (int IntervalSeconds, int DelayEvaluations)? Median { get; private set; }

    /// <summary>The step's outputs: those of the best trial.</summary>
    public TrainOutputs Outputs { get; }

    /// <summary>The best trial's model.</summary>
    public ModelArtifact Model => Outputs.Model;

    private protected override IEnumerable<string> IntrinsicOutputs => ["model", "metrics"];

    /// <summary>The value of trial parameter <paramref name="name"/> in the command (<c>${trial.name}</c>); every trial sets it also as <c>MLP_TRIAL_NAME</c>.</summary>
    public static string Trial(string name) => "${trial." + name + "}";

    /// <summary>Every combination of the values (a grid), in order of the parameters given.</summary>
    public SweepStep Grid(params (string Name, object[] Values)[] parameters)
    {
        IEnumerable<SortedDictionary<string, string>> sets = [new SortedDictionary<string, string>(StringComparer.Ordinal)];
        foreach (var (name, values) in parameters)
        {
            if (values.Length == 0) SpaceErrors.Add($"grid parameter '{name}' has no values");
            sets = sets.SelectMany(s => values.Select(v => new SortedDictionary<string, string>(s, StringComparer.Ordinal) { [name] = Text(v) })).ToList();
        }
        TrialSets.AddRange(sets);
        return this;
    }

    /// <summary>
    /// <paramref name="count"/> random samples (seeded, so the plan is the same on every machine): each parameter uniform
    /// between its bounds, or log-uniform when <c>Log</c> is set (learning rates).
    /// </summary>
    public SweepStep Random(int count, int seed, params (string Name, double Min, double Max, bool Log)[] parameters)
    {
        if (count < 1) SpaceErrors.Add($"random sampling asks for {count} trials");
        var random = new Random(seed);
        foreach (var p in parameters.Where(p => !(p.Min < p.Max) || (p.Log && p.Min <= 0)))
            SpaceErrors.Add($"random parameter '{p.Name}' has bounds [{p.Min}, {p.Max}]{(p.Log ? " on a log scale (both must be > 0)" : "")}");
        for (var i = 0; i < count; i++)
        {
            var set = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, min, max, log) in parameters)
            {
                var u = random.NextDouble();
                var v = log && min > 0 ? Math.Exp(Math.Log(min) + u * (Math.Log(max) - Math.Log(min))) : min + u * (max - min);
                set[name] = Text(Math.Round(v, 6, MidpointRounding.ToEven));
            }
            TrialSets.Add(set);
        }
        return this;
    }

    /// <summary>An explicit list of parameter sets.</summary>
    public SweepStep Trials(params IReadOnlyDictionary<string, object>[] sets)
    {
        foreach (var s in sets) TrialSets.Add(new SortedDictionary<string, string>(s.ToDictionary(kv => kv.Key, kv => Text(kv.Value)), StringComparer.Ordinal));
        return this;
    }

    /// <summary>At most this many trials at once (Slurm: the <c>%K</c> of <c>--array=0-N%K</c>).</summary>
    public SweepStep MaxConcurrent(int trials) { MaxConcurrentTrials = trials; return this; }

    /// <summary>The metric trials are ranked by (its last logged value) and whether lower or higher is better.</summary>
    public SweepStep Objective(string metric, SweepGoal goal) { ObjectiveMetric = metric; Goal = goal; return this; }

    /// <summary>
    /// Early termination (Azure ML's median stopping): every <paramref name="evaluationIntervalSeconds"/>, a running
    /// trial whose best objective so far is worse than the median of the other trials' running averages at the same
    /// number of reports is stopped; no trial is judged before <paramref name="delayEvaluations"/> reports.
    /// </summary>
    public SweepStep MedianStopping(int evaluationIntervalSeconds = 5, int delayEvaluations = 3)
    {
        Median = (evaluationIntervalSeconds, delayEvaluations);
        return this;
    }

    private static string Text(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
