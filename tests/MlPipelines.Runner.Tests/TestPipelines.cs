using MlPipelines.Pipelines;

namespace MlPipelines.Runner.Tests;

/// <summary>Six steps: prep → (featA ∥ featB) → train → report (code), plus data inputs raw and other.</summary>
public sealed class FeaturePipeline(string dataDir) : Pipeline
{
    protected override void Define(PipelineBuilder p)
    {
        var raw = p.Data("raw", Path.Combine(dataDir, "raw.txt"));
        var other = p.Data("other", Path.Combine(dataDir, "other.txt"));
        var prep = p.Command("prep", c => c.Command("bash", "-c", "tr a-z A-Z < \"$0\" > \"$1\"; echo '##mlp[metric name=rows]3'; echo prep-done", raw, c.Outputs.File("clean")));
        var clean = prep.Outputs.File("clean");
        var a = p.Command("featA", c => c.Command("bash", "-c", "sleep 0.6; wc -c < \"$0\" > \"$1\"", clean, c.Outputs.File("a")));
        var b = p.Command("featB", c => c.Command("bash", "-c", "sleep 0.6; cat \"$0\" \"$1\" > \"$2\"", clean, other, c.Outputs.File("b")));
        var train = p.Train("train", t => t.Command("bash", "-c", "cat \"$0\" \"$1\" > \"$2/model.txt\"", a.Outputs.File("a"), b.Outputs.File("b"), t.Outputs.Model));
        FileArtifact? report = null;
        var code = p.Code("report", ctx =>
        {
            var model = File.ReadAllText(Path.Combine(ctx.Input(train.Model), "model.txt"));
            File.WriteAllText(ctx.Output(report!), model);
            ctx.Log($"model has {model.Length} chars");
        }).Inputs(train.Model);
        report = code.Outputs.File("report.txt");
    }
}

/// <summary>Two branches; 'flaky' fails while a marker file exists and takes 'after' down with it; 'solo' is independent.</summary>
public sealed class FlakyPipeline(string dir) : Pipeline
{
    protected override void Define(PipelineBuilder p)
    {
        var first = p.Command("first", c => c.Command("bash", "-c", "echo one > \"$0\"", c.Outputs.File("out")));
        var flaky = p.Command("flaky", c => c.Command("bash", "-c", $"if [ -f '{Path.Combine(dir, "fail")}' ]; then echo broken >&2; exit 3; fi; cp \"$0\" \"$1\"", first.Outputs.File("out"), c.Outputs.File("out")));
        p.Command("after", c => c.Command("bash", "-c", "cat \"$0\"", flaky.Outputs.File("out")));
        p.Command("after2", "true").DependsOn("after");
        p.Command("solo", "bash", "-c", "sleep 0.3; echo solo");
    }
}

/// <summary>One long step whose process tree must die on cancel or timeout.</summary>
public sealed class SleepPipeline(string pidFile, TimeSpan? timeout) : Pipeline
{
    protected override void Define(PipelineBuilder p)
    {
        var s = p.Command("sleepy", "bash", "-c", $"sleep 100 & echo $! > '{pidFile}'; echo started; sleep 100");
        if (timeout is { } t) s.Timeout(t);
        p.Command("next", "true").After(s);
    }
}

/// <summary>A step failing twice before succeeding, with retries.</summary>
public sealed class RetryPipeline(string counterFile) : Pipeline
{
    protected override void Define(PipelineBuilder p) =>
        p.Command("retry", "bash", "-c", $"n=$(cat '{counterFile}' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '{counterFile}'; [ $n -ge 3 ]")
            .Retry(2, TimeSpan.FromMilliseconds(20));
}

/// <summary>make → use, and 'lint' that the ordered variant runs first (ordering only), with retries and a timeout.</summary>
public sealed class OrderingPipeline(string dir, bool ordered) : Pipeline
{
    protected override void Define(PipelineBuilder p)
    {
        var lint = p.Command("lint", "bash", "-c", $"date +%s%N > '{dir}/lint.txt'").AllowReuse(false);
        var make = p.Command("make", c => c.Command("bash", "-c", "echo made > \"$0\"", c.Outputs.File("made")));
        var use = p.Command("use", c => c.Command("bash", "-c", "cat \"$0\" > \"$1\"", make.Outputs.File("made"), c.Outputs.File("used")));
        if (!ordered) return;
        make.After(lint).Retry(2).Timeout(TimeSpan.FromMinutes(1)).Compute("local");
        use.After(lint);
    }
}

/// <summary>A step that keeps a file of its working folder and one of its output folder with ##mlp[output], and logs an image.</summary>
public sealed class NamedOutputPipeline : Pipeline
{
    protected override void Define(PipelineBuilder p) =>
        p.Command("report", "bash", "-c",
            "echo hello > report.txt; echo '##mlp[output name=report]report.txt'; " +
            "mkdir -p \"$MLP_OUTPUT_DIR/plots\"; printf '<svg/>' > \"$MLP_OUTPUT_DIR/plots/roc.svg\"; echo '##mlp[image name=roc]plots/roc.svg'; " +
            "echo '##mlp[output name=plots]plots'");
}

/// <summary>A step failing with invalid input (which no retry can fix), with retries configured.</summary>
public sealed class InvalidInputRetryPipeline : Pipeline
{
    protected override void Define(PipelineBuilder p) =>
        p.Code("broken", _ => throw Core.Errors.MlpException.Invalid("Command 'no-such-tool' cannot start."))
            .Retry(3, TimeSpan.FromMilliseconds(20));
}

/// <summary>Gate and parameter conditions.</summary>
public sealed class GatePipeline : Pipeline
{
    [Parameter("Whether to notify")] public bool Notify { get; init; }

    protected override void Define(PipelineBuilder p)
    {
        var train = p.Train("train", t => t.Command("bash", "-c", "echo w > \"$0/w.txt\"", t.Outputs.Model));
        var data = p.Command("data", c => c.Command("bash", "-c", "echo d > \"$0\"", c.Outputs.File("d")));
        var eval = p.Evaluate("evaluate", train.Model, data.Outputs.File("d")).Predictions(data.Outputs.File("d")).Require("accuracy", ">=", 0.99);
        var reg = p.Register("register", train.Model, name: "m").When(eval.Passed);
        p.Image("image", reg);
        p.Code("notify", _ => { }).When(p.Param(nameof(Notify)).IsTrue);
    }
}

/// <summary>One command step writing a folder output with links in it (inside, /etc/passwd, /etc, dangling) and, when asked, an unreadable socket file.</summary>
public sealed class LinkOutputPipeline(string socketPath) : Pipeline
{
    protected override void Define(PipelineBuilder p) =>
        p.Command("links", c => c.Command("bash", "-c",
            "cd \"$0\" && echo w > a.txt && ln -s a.txt inside.txt && ln -s /etc/passwd passwd && ln -s /etc etc && ln -s nowhere dead; " +
            "if [ -S \"$1\" ]; then ln \"$1\" z.sock 2>/dev/null || cp -a \"$1\" z.sock; fi; true",
            c.Outputs.Folder("model"), socketPath));
}

/// <summary>Two parallel command steps on the compute target the <c>Compute</c> parameter names, asking for one core.</summary>
public sealed class ComputePipeline : Pipeline
{
    [Parameter("Compute target of both steps")]
    public string Compute { get; init; } = "local";

    protected override void Define(PipelineBuilder p)
    {
        foreach (var name in new[] { "a", "b" })
            p.Command(name, "sh", "-c", $"echo step {name} on $(hostname) in \"$PWD\"; sleep 1; echo done > \"$MLP_OUTPUT_DIR/{name}.txt\"")
                .Compute(Compute).Resources(cpus: 1, memoryMb: 100).AllowReuse(false);
    }
}

/// <summary>
/// A sweep over x = 0…7 of a "training" that reports loss = (x-3)² + 1/step for five steps and writes its model; trial
/// x = 7 is slow (thirty reports a second apart) so median stopping has something to stop.
/// </summary>
public sealed class SweepPipeline : Pipeline
{
    [Parameter("Compute target of the sweep")]
    public string Compute { get; init; } = "local";

    [Parameter("Stop trials early by median stopping")]
    public bool Median { get; init; }

    private const string Script = """
        steps=5; pause=0.2; [ "$MLP_TRIAL_X" = 7 ] && [ "$MEDIAN" = True ] && { steps=30; pause=1; }
        for s in $(seq 1 $steps); do
          awk -v x="$1" -v s="$s" 'BEGIN { printf "##mlp[metric name=loss step=%d]%.6f\n", s, (x-3)*(x-3) + 1/s }'
          sleep $pause
        done
        echo "model of x=$1" > "$2/weights.txt"
        """;

    protected override void Define(PipelineBuilder p)
    {
        var sweep = p.Sweep("tune", s =>
        {
            s.Command("env", $"MEDIAN={Median}", "sh", "-c", Script, "sh", SweepStep.Trial("x"), s.Outputs.Model)
                .Grid(("x", [0, 1, 2, 3, 4, 5, 6, 7]))
                .MaxConcurrent(Median ? 8 : 3)
                .Objective("loss", SweepGoal.Minimize)
                .Compute(Compute).Resources(cpus: 1).AllowReuse(false);
            if (Median) s.MedianStopping(evaluationIntervalSeconds: 1, delayEvaluations: 3);
        });
        p.Command("use", "cat", CommandArg.Format($"{sweep.Model}/weights.txt")).AllowReuse(false);
    }
}
