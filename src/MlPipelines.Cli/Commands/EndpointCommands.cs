using System.CommandLine;
using MlPipelines.Cli.Infrastructure;
using MlPipelines.Core.Errors;
using MlPipelines.Endpoints.Daemon;
using MlPipelines.Endpoints.Services;
using MlPipelines.Workspace;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp endpoint create|list|show|delete|invoke|traffic|keys|history|stop|start</c> (and the hidden <c>daemon</c>).</summary>
internal static class EndpointCommands
{
    public static Command Build() => new Command("endpoint", "Online endpoints: keys, traffic split, mirror, invoke; start/stop all of them.").With(
        BuildCreate(), BuildList(), BuildShow(), BuildDelete(), BuildInvoke(), BuildTraffic(), BuildKeys(), BuildHistory(),
        BuildStart(), BuildStop(), BuildDaemon());

    private static Argument<string> NameArg() => new("name") { Description = "Endpoint name." };

    private static Command BuildCreate()
    {
        var name = NameArg();
        var auth = new Option<string>("--auth") { Description = "key (Authorization: Bearer KEY) or none.", DefaultValueFactory = _ => "key" };
        auth.AcceptOnlyFromAmong("key", "none");
        return new Command("create", "Create an endpoint (a router on 127.0.0.1 with two keys); deployments are added with 'mlp deployment create'.")
            .With(name, auth).HandleAsync(async ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var e = await new EndpointService(EndpointCliContext.Create(ws)).CreateAsync(ctx.Get(name), ctx.Get(auth), ctx.Cancellation);
            if (ctx.Output.IsJson) ctx.Output.JsonValue(new { e.Name, e.AuthMode, e.Url });
            else ctx.Output.Line($"Created endpoint '{e.Name}' at {e.Url} (auth: {e.AuthMode}). Keys: 'mlp endpoint keys {e.Name}'.");
            return 0;
        });
    }

    private static Command BuildList() => new Command("list", "List endpoints with their URL and traffic.").Handle(ctx =>
    {
        using var ws = ctx.OpenWorkspace();
        var endpoints = ws.Endpoints.ListEndpoints();
        var deployments = ws.Endpoints.ListDeployments();
        if (ctx.Output.IsJson) { ctx.Output.JsonValue(endpoints.Select(e => new { e.Name, e.AuthMode, e.Url, e.Traffic, e.Mirror, e.CreatedAt })); return 0; }
        ctx.Output.List(endpoints, ("Name", e => e.Name), ("URL", e => e.Url), ("Auth", e => e.AuthMode),
            ("Traffic", e => TrafficRules.Format(e.Traffic)), ("Mirror", e => e.Mirror.Count == 0 ? "" : TrafficRules.Format(e.Mirror)),
            ("Deployments", e => deployments.Count(d => d.Endpoint == e.Name).ToString()), ("Created", e => CliOutput.Format(e.CreatedAt)));
        return 0;
    });

    private static Command BuildShow()
    {
        var name = NameArg();
        var showKeys = new Option<bool>("--show-keys") { Description = "Print the keys in full." };
        return new Command("show", "Show an endpoint: URL, keys (masked), traffic, mirror and deployments with status, instances and restarts.")
            .With(name, showKeys).HandleAsync(async ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var context = EndpointCliContext.Create(ws);
            var e = new EndpointService(context).Get(ctx.Get(name));
            var running = await context.DaemonClient.RunningAsync(ctx.Cancellation) is not null;
            var deployments = ws.Endpoints.ListDeployments(e.Name);
            var show = ctx.Get(showKeys);
            if (ctx.Output.IsJson)
            {
                ctx.Output.JsonValue(new
                {
                    e.Name, e.AuthMode, e.Url, Running = running, PrimaryKey = EndpointCliContext.Mask(e.PrimaryKey, show),
                    SecondaryKey = EndpointCliContext.Mask(e.SecondaryKey, show), e.Traffic, e.Mirror, Deployments = deployments,
                });
                return 0;
            }
            var lines = new List<(string, string?)>
            {
                ("Endpoint", e.Name), ("URL", e.Url + (running ? "" : "  (stopped: 'mlp endpoint start')")), ("Auth", e.AuthMode),
                ("Primary key", EndpointCliContext.Mask(e.PrimaryKey, show)), ("Secondary key", EndpointCliContext.Mask(e.SecondaryKey, show)),
                ("Traffic", TrafficRules.Format(e.Traffic)), ("Mirror", e.Mirror.Count == 0 ? "(none)" : TrafficRules.Format(e.Mirror)),
            };
            foreach (var d in deployments)
            {
                lines.Add(($"deployment {d.Name}", $"{d.Status}{(d.StatusReason is null ? "" : $" ({d.StatusReason})")} · model {d.Model}:{d.ModelVersion} · {d.Target} · " +
                    $"{e.Traffic.GetValueOrDefault(d.Name)}% traffic{(e.Mirror.GetValueOrDefault(d.Name) is > 0 and var m ? $", {m}% mirror" : "")}"));
                foreach (var i in d.Instances)
                    lines.Add(($"  {i.Id}", $"{i.Address} pid {i.ProcessId?.ToString() ?? i.ContainerId ?? "-"} restarts {i.Restarts}" +
                        (i.LastRestartAt is { } t ? $" (last {CliOutput.Format(t)})" : "")));
            }
            ctx.Output.Item(e, lines);
            return 0;
        });
    }

    private static Command BuildDelete()
    {
        var name = NameArg();
        return new Command("delete", "Delete an endpoint with all its deployments (their processes/containers are stopped).").With(name).HandleAsync(async ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            await new EndpointService(EndpointCliContext.Create(ws)).DeleteAsync(ctx.Get(name), ctx.Cancellation);
            ctx.Output.Line($"Deleted endpoint '{ctx.Get(name)}'.");
            return 0;
        });
    }

    private static Command BuildInvoke()
    {
        var name = NameArg();
        var data = new Option<string?>("--data") { Description = "Request JSON, e.g. '{\"data\":[[5.1,3.5,1.4,0.2]]}'." };
        var file = new Option<string?>("--file") { Description = "File with the request JSON." };
        var deployment = new Option<string?>("--deployment") { Description = "Pin a deployment (header azureml-model-deployment)." };
        return new Command("invoke", "Send a scoring request through the endpoint (with its primary key) and print the answer.")
            .With(name, data, file, deployment).HandleAsync(async ctx =>
        {
            var body = (ctx.Get(data), ctx.Get(file)) switch
            {
                ({ } d, null) => d,
                (null, { } f) => File.Exists(f) ? await File.ReadAllTextAsync(f, ctx.Cancellation) : throw MlpException.Invalid($"Request file '{f}' does not exist."),
                _ => throw MlpException.Invalid("Pass exactly one of --data JSON or --file PATH."),
            };
            using var ws = ctx.OpenWorkspace();
            var r = await new EndpointService(EndpointCliContext.Create(ws)).InvokeAsync(ctx.Get(name), body, ctx.Get(deployment), ctx.Cancellation);
            if (ctx.Output.IsJson) ctx.Output.JsonValue(r);
            else
            {
                Console.Error.WriteLine($"{r.Status} from deployment '{r.Deployment ?? "-"}'");
                Console.Out.WriteLine(r.Body);
            }
            return r.Status is >= 200 and < 300 ? 0 : ExitCodes.Failed;
        });
    }

    private static Command BuildTraffic()
    {
        var name = NameArg();
        var split = new Argument<string[]>("split") { Description = "DEPLOYMENT=PERCENT pairs summing to 100 (or all 0), e.g. blue=90 green=10.", Arity = ArgumentArity.ZeroOrMore };
        var mirror = new Option<string[]>("--mirror") { Description = "Mirror DEPLOYMENT=PERCENT (total ≤ 50); responses are discarded. --mirror none clears it." };
        var reason = new Option<string?>("--reason") { Description = "Recorded in the history." };
        return new Command("traffic", "Show or set the traffic split (and mirror) of an endpoint; changes are atomic and recorded in the history.")
            .With(name, split, mirror, reason).HandleAsync(async ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var service = new EndpointService(EndpointCliContext.Create(ws));
            var pairs = ctx.Get(split) ?? [];
            var mirrorItems = ctx.Get(mirror) ?? [];
            var e = service.Get(ctx.Get(name));
            if (pairs.Length > 0 || mirrorItems.Length > 0)
            {
                var traffic = pairs.Length > 0 ? TrafficRules.Parse(pairs) : e.Traffic.ToDictionary();
                Dictionary<string, int>? mirrorMap = mirrorItems.Length == 0 ? null
                    : mirrorItems is ["none"] ? [] : TrafficRules.Parse(mirrorItems, "mirror");
                e = await service.SetTrafficAsync(e.Name, traffic, mirrorMap, ctx.Get(reason), ctx.Cancellation);
            }
            if (ctx.Output.IsJson) ctx.Output.JsonValue(new { e.Name, e.Traffic, e.Mirror });
            else ctx.Output.Line($"Endpoint '{e.Name}': traffic {TrafficRules.Format(e.Traffic)}" + (e.Mirror.Count == 0 ? "" : $", mirror {TrafficRules.Format(e.Mirror)}"));
            return 0;
        });
    }

    private static Command BuildKeys()
    {
        var name = NameArg();
        var regenerate = new Option<string?>("--regenerate") { Description = "Replace the primary or secondary key." };
        regenerate.AcceptOnlyFromAmong("primary", "secondary");
        return new Command("keys", "Print the endpoint's keys, or regenerate one.").With(name, regenerate).HandleAsync(async ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var service = new EndpointService(EndpointCliContext.Create(ws));
            var e = ctx.Get(regenerate) is { } which
                ? await service.RegenerateKeyAsync(ctx.Get(name), which, ctx.Cancellation)
                : service.Get(ctx.Get(name));
            if (ctx.Output.IsJson) ctx.Output.JsonValue(new { e.PrimaryKey, e.SecondaryKey });
            else ctx.Output.Item(e, [("Primary key", e.PrimaryKey), ("Secondary key", e.SecondaryKey)]);
            return 0;
        });
    }

    private static Command BuildHistory()
    {
        var name = NameArg();
        return new Command("history", "Every traffic change of an endpoint, oldest first.").With(name).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var e = new EndpointService(EndpointCliContext.Create(ws)).Get(ctx.Get(name));
            ctx.Output.List(ws.Endpoints.TrafficHistory(e.Name), ("When", h => CliOutput.Format(h.When)), ("From", h => TrafficRules.Format(h.From)),
                ("To", h => TrafficRules.Format(h.To)), ("Who", h => h.Who), ("Reason", h => h.Reason));
            return 0;
        });
    }

    private static Command BuildStart() => new Command("start", "Start the routers and local instances of all endpoints of the workspace.").HandleAsync(async ctx =>
    {
        using var ws = ctx.OpenWorkspace();
        var context = EndpointCliContext.Create(ws);
        await new EndpointService(context).StartAllAsync(ctx.Cancellation);
        var state = await context.DaemonClient.RunningAsync(ctx.Cancellation);
        ctx.Output.Line($"Endpoints running (daemon pid {state?.Pid}; log '{context.Paths.DaemonLog}').");
        return 0;
    });

    private static Command BuildStop() => new Command("stop", "Stop the routers and local instances of all endpoints of the workspace.").HandleAsync(async ctx =>
    {
        using var ws = ctx.OpenWorkspace();
        var stopped = await new EndpointService(EndpointCliContext.Create(ws)).StopAllAsync(ctx.Cancellation);
        ctx.Output.Line(stopped ? "Stopped all endpoints of this workspace." : "Endpoints were not running.");
        return 0;
    });

    private static Command BuildDaemon()
    {
        var command = new Command("daemon", "Run the endpoint daemon in the foreground (started detached by other commands).") { Hidden = true };
        return command.HandleAsync(async ctx =>
        {
            using var ws = WorkspaceLocator.Open(ctx.WorkspaceOption);
            await new EndpointDaemon(ws).RunAsync(ctx.Cancellation);
            return 0;
        });
    }
}
