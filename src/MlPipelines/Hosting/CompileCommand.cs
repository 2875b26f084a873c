using System.CommandLine;
using MlPipelines.Core.Errors;
using MlPipelines.Pipelines.Parameters;

namespace MlPipelines.Hosting;

/// <summary><c>compile [--output DIR] [--check]</c>: writes (or verifies) the committed plan, compiled with default parameters.</summary>
internal static class CompileCommand
{
    public static Command Build(PipelineHost host)
    {
        var output = new Option<string?>("--output") { Description = "Folder for the plan file (default: the pipeline project folder)." };
        var check = new Option<bool>("--check") { Description = "Do not write; exit 1 when the committed plan differs from the definition." };
        var command = new Command("compile", "Validate the definition and write <name>.plan.json next to the pipeline project.") { output, check };
        command.SetAction((parse, _) => host.GuardAsync(() =>
        {
            // The committed plan uses default parameter values only, so it does not depend on who compiles it.
            var plan = host.Compile(new ParameterInput()).Plan;
            var dir = parse.GetValue(output) is { } o ? Path.GetFullPath(o) : host.PlanDirectory;
            var path = Path.Combine(dir, plan.Pipeline + ".plan.json");
            var json = plan.ToJson();
            if (parse.GetValue(check))
            {
                var current = File.Exists(path) ? File.ReadAllText(path) : null;
                if (current == json)
                {
                    host.Out.WriteLine($"Plan '{path}' is up to date ({plan.Steps.Count} steps).");
                    return Task.FromResult(ExitCodes.Success);
                }
                host.Error.WriteLine(current is null
                    ? $"error: plan '{path}' does not exist; run '{CommittedPlan.FixCommand(host)}' and commit it."
                    : $"error: plan '{path}' is stale: {Differences(current, plan)}; run '{CommittedPlan.FixCommand(host)}' and commit it.");
                return Task.FromResult(ExitCodes.Failed);
            }
            Directory.CreateDirectory(dir);
            plan.Save(path);
            host.Out.WriteLine($"Wrote '{path}' ({plan.Steps.Count} steps).");
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }

    /// <summary>The steps that differ, or (for an unreadable or reformatted file) that the text differs.</summary>
    private static string Differences(string committed, Pipelines.Plan.PipelinePlan plan)
    {
        try
        {
            var diff = Pipelines.Plan.PlanDiff.Between(Pipelines.Plan.PipelinePlan.FromJson(committed), plan);
            return diff.IsEmpty ? "its text differs from the compiled plan (formatting)" : diff.ToString();
        }
        catch (MlpException e)
        {
            return e.Message.TrimEnd('.');
        }
    }
}
