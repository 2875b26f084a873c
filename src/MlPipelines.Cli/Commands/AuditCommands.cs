using System.CommandLine;
using System.Globalization;
using MlPipelines.Cli.Infrastructure;
using MlPipelines.Core.Errors;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp audit list --since</c>.</summary>
internal static class AuditCommands
{
    public static Command Build()
    {
        var server = ServerConnection.ServerOption();
        var since = new Option<string?>("--since") { Description = "Only entries since a time (2026-01-31T12:00Z) or a duration ago (30m, 12h, 7d)." };
        var max = new Option<int>("--max") { Description = "At most this many (newest) entries.", DefaultValueFactory = _ => 1000 };
        var list = new Command("list", "List audit entries: who did what to which target, when, and the outcome.").With(since, max, server).HandleAsync(async ctx =>
        {
            var from = ctx.Get(since) is { } s ? ParseSince(s, DateTimeOffset.UtcNow) : (DateTimeOffset?)null;
            using var c = ServerConnection.Connect(ctx, server);
            var query = $"?max={ctx.Get(max)}" + (from is { } f ? "&since=" + Uri.EscapeDataString(f.ToString("O", CultureInfo.InvariantCulture)) : "");
            var entries = await c.GetAsync("/api/v1/audit" + query, ctx.Cancellation);
            if (ctx.Output.IsJson) { ctx.PrintJson(entries); return 0; }
            ctx.Output.List(entries.EnumerateArray(), ("Time", e => e.Time("time")), ("Who", e => e.Str("principal")), ("Action", e => e.Str("action")),
                ("Target", e => e.Str("target")), ("Outcome", e => e.Str("outcome")), ("Detail", e => e.Str("detail")));
            return 0;
        });
        return new Command("audit", "The workspace server's audit log.").With(list);
    }

    /// <summary>An absolute time, or a duration (<c>30m</c>, <c>12h</c>, <c>7d</c>) before <paramref name="now"/>.</summary>
    public static DateTimeOffset ParseSince(string value, DateTimeOffset now)
    {
        if (value.Length >= 2 && double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0)
        {
            TimeSpan? span = value[^1] switch { 's' => TimeSpan.FromSeconds(n), 'm' => TimeSpan.FromMinutes(n), 'h' => TimeSpan.FromHours(n), 'd' => TimeSpan.FromDays(n), _ => null };
            if (span is { } d) return now - d;
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return t;
        throw MlpException.Invalid($"--since '{value}' is not a time (2026-01-31T12:00Z) or a duration (30m, 12h, 7d).");
    }
}
