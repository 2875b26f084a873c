using System.CommandLine;
using MlPipelines.Cli.Infrastructure;
using MlPipelines.Endpoints.Services;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp deployment create|list|show|logs|delete</c>.</summary>
internal static class DeploymentCommands
{
    public static Command Build() => new Command("deployment", "Deployments behind an endpoint: a model running on a target (local, docker, kubernetes).").With(
        BuildCreate(), BuildList(), BuildShow(), BuildLogs(), BuildDelete());

    private static Argument<string> EndpointArg() => new("endpoint") { Description = "Endpoint name." };
    private static Argument<string> NameArg() => new("name") { Description = "Deployment name." };

    private static Command BuildCreate()
    {
        var endpoint = EndpointArg();
        var name = NameArg();
        var model = new Option<string>("--model") { Description = "NAME, NAME:VERSION or NAME@ALIAS.", Required = true };
        var target = new Option<string>("--target") { Description = "local, docker or kubernetes.", DefaultValueFactory = _ => "local" };
        target.AcceptOnlyFromAmong("local", "docker", "kubernetes");
        var instances = new Option<int>("--instances") { Description = "Number of instances.", DefaultValueFactory = _ => 1 };
        var timeout = new Option<int>("--timeout-ms") { Description = "Scoring timeout per request.", DefaultValueFactory = _ => 5000 };
        var concurrency = new Option<int>("--max-concurrency") { Description = "Requests scored at once per instance.", DefaultValueFactory = _ => 64 };
        var image = new Option<string?>("--image") { Description = "Image for docker/kubernetes (default: the image built for the model)." };
        var rollout = new Option<string?>("--rollout") { Description = "Safe rollout stages, e.g. 10,50,100: traffic moves in stages with checks and automatic rollback." };
        var stage = new Option<int>("--stage-seconds") { Description = "Observation time per rollout stage.", DefaultValueFactory = _ => 30 };
        var smoke = new Option<string?>("--smoke-request")
        {
            Description = "Rollout smoke test body, JSON or @FILE, sent through the pinned header before traffic moves (default: the sample input recorded with the model, e.g. its input_example.json).",
        };
        return new Command("create", "Create a deployment at 0% traffic and wait until it is healthy (or roll it out with --rollout).")
            .With(endpoint, name, model, target, instances, timeout, concurrency, image, rollout, stage, smoke).HandleAsync(async ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var context = EndpointCliContext.Create(ws);
            var request = new NewDeployment
            {
                Endpoint = ctx.Get(endpoint), Name = ctx.Get(name), Model = ctx.Get(model), Target = ctx.Get(target),
                Instances = ctx.Get(instances), TimeoutMs = ctx.Get(timeout), MaxConcurrency = ctx.Get(concurrency), Image = ctx.Get(image),
            };
            if (ctx.Get(smoke) is not null && ctx.Get(rollout) is null)
                throw Core.Errors.MlpException.Invalid("--smoke-request applies to a rollout; add --rollout STAGES, e.g. --rollout 10,50,100.");
            if (ctx.Get(rollout) is { } stages)
            {
                var result = await new RolloutService(context).RunAsync(new RolloutOptions
                {
                    Deployment = request,
                    Stages = stages.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToList(),
                    StageDuration = TimeSpan.FromSeconds(ctx.Get(stage)),
                    SmokeRequest = SmokeBody(ctx.Get(smoke)),
                }, ctx.Cancellation);
                if (ctx.Output.IsJson) ctx.Output.JsonValue(result);
                else { foreach (var s in result.Steps) ctx.Output.Line("  " + s); ctx.Output.Line(result.Message); }
                return result.Succeeded ? 0 : Core.Errors.ExitCodes.Failed;
            }
            var d = await new DeploymentService(context).CreateAsync(request, ctx.Cancellation);
            if (ctx.Output.IsJson) ctx.Output.JsonValue(d);
            else ctx.Output.Line($"Deployment '{d.Name}' of endpoint '{d.Endpoint}' is {d.Status} ({d.Instances.Count} instance(s), model {d.Model}:{d.ModelVersion}, target {d.Target})" +
                $"{(d.StatusReason is null ? "" : ": " + d.StatusReason)}. Send it traffic with 'mlp endpoint traffic {d.Endpoint} {d.Name}=100'.");
            return 0;
        });
    }

    /// <summary>The <c>--smoke-request</c> body: JSON as given, or the contents of the file after '@'; must parse as JSON.</summary>
    private static string? SmokeBody(string? value)
    {
        if (value is null) return null;
        string body;
        if (value.StartsWith('@'))
        {
            var path = value[1..];
            body = File.Exists(path) ? File.ReadAllText(path) : throw Core.Errors.MlpException.Invalid($"Smoke request file '{path}' does not exist.");
        }
        else body = value;
        try { System.Text.Json.JsonDocument.Parse(body).Dispose(); }
        catch (System.Text.Json.JsonException e) { throw Core.Errors.MlpException.Invalid($"--smoke-request is not valid JSON: {e.Message}"); }
        return body;
    }

    private static Command BuildList()
    {
        var endpoint = new Argument<string?>("endpoint") { Description = "Only deployments of this endpoint.", Arity = ArgumentArity.ZeroOrOne };
        return new Command("list", "List deployments.").With(endpoint).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var items = ws.Endpoints.ListDeployments(ctx.Get(endpoint));
            ctx.Output.List(items, ("Endpoint", d => d.Endpoint), ("Name", d => d.Name), ("Model", d => $"{d.Model}:{d.ModelVersion}"),
                ("Target", d => d.Target), ("Status", d => d.Status.ToString()), ("Instances", d => $"{d.Instances.Count}/{d.InstanceCount}"),
                ("Restarts", d => d.Instances.Sum(i => i.Restarts).ToString()), ("Created", d => CliOutput.Format(d.CreatedAt)));
            return 0;
        });
    }

    private static Command BuildShow()
    {
        var endpoint = EndpointArg();
        var name = NameArg();
        return new Command("show", "Show a deployment: model, target, status, request settings and instances.").With(endpoint, name).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var d = new DeploymentService(EndpointCliContext.Create(ws)).Get(ctx.Get(endpoint), ctx.Get(name));
            var lines = new List<(string, string?)>
            {
                ("Deployment", d.Name), ("Endpoint", d.Endpoint), ("Model", $"{d.Model}:{d.ModelVersion}"), ("Image", d.Image), ("Target", d.Target),
                ("Status", d.StatusReason is null ? d.Status.ToString() : $"{d.Status} ({d.StatusReason})"),
                ("Instances", $"{d.Instances.Count} of {d.InstanceCount}"), ("Timeout", $"{d.RequestTimeoutMs} ms"),
                ("Max concurrency", d.MaxConcurrentRequests.ToString()), ("Created", CliOutput.Format(d.CreatedAt)),
            };
            lines.AddRange(d.Instances.Select(i => ($"  {i.Id}", (string?)$"{i.Address} pid {i.ProcessId?.ToString() ?? i.ContainerId ?? "-"} restarts {i.Restarts}")));
            ctx.Output.Item(d, lines.Where(l => l.Item2 is not null));
            return 0;
        });
    }

    private static Command BuildLogs()
    {
        var endpoint = EndpointArg();
        var name = NameArg();
        var tail = new Option<int>("--tail") { Description = "Lines per instance.", DefaultValueFactory = _ => 100 };
        return new Command("logs", "Print the recent output of a deployment's instances.").With(endpoint, name, tail).HandleAsync(async ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            Console.Out.WriteLine(await new DeploymentService(EndpointCliContext.Create(ws)).LogsAsync(ctx.Get(endpoint), ctx.Get(name), ctx.Get(tail), ctx.Cancellation));
            return 0;
        });
    }

    private static Command BuildDelete()
    {
        var endpoint = EndpointArg();
        var name = NameArg();
        var force = new Option<bool>("--force") { Description = "Delete even while it receives traffic (its share is dropped from the split)." };
        return new Command("delete", "Delete a deployment and stop its processes or containers.").With(endpoint, name, force).HandleAsync(async ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            await new DeploymentService(EndpointCliContext.Create(ws)).DeleteAsync(ctx.Get(endpoint), ctx.Get(name), ctx.Get(force), ctx.Cancellation);
            ctx.Output.Line($"Deleted deployment '{ctx.Get(name)}' of endpoint '{ctx.Get(endpoint)}'.");
            return 0;
        });
    }
}
