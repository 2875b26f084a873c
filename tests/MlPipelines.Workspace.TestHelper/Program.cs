using System.Globalization;
using MlPipelines.Core.Registry;
using MlPipelines.Core.Runs;
using MlPipelines.Workspace;

// Usage:
//   log WS RUN_ID BATCH_SIZE            logs batches forever, printing "ack N" after each committed batch
//   write WS EXPERIMENT BATCHES SIZE    creates a run, logs BATCHES batches, completes it, prints "run ID"
//   register WS NAME PATH COUNT         registers COUNT versions, printing "version V" for each
var ws = LocalWorkspace.Open(args[1]);
switch (args[0])
{
    case "log":
    {
        var size = int.Parse(args[3], CultureInfo.InvariantCulture);
        long acked = 0;
        for (var batch = 0; ; batch++)
        {
            var t = DateTimeOffset.UtcNow;
            ws.Runs.LogMetrics(args[2], Enumerable.Range(0, size).Select(i => new MetricPoint("m", i, acked + i, t)).ToList());
            acked += size;
            Console.Out.WriteLine($"ack {acked}");
            Console.Out.Flush();
        }
    }
    case "write":
    {
        var batches = int.Parse(args[3], CultureInfo.InvariantCulture);
        var size = int.Parse(args[4], CultureInfo.InvariantCulture);
        var id = ws.Runs.CreateRun(new NewRun(args[2]) { Status = RunStatus.Running }).Id;
        for (var b = 0; b < batches; b++)
        {
            var t = DateTimeOffset.UtcNow;
            ws.Runs.LogMetrics(id, Enumerable.Range(0, size).Select(i => new MetricPoint("m", i, b * size + i, t)).ToList());
            ws.Runs.AppendLogs(id, [new LogLine(b, LogStream.Stdout, t, $"batch {b}")]);
        }
        ws.Runs.SetStatus(id, RunStatus.Completed);
        Console.WriteLine($"run {id}");
        break;
    }
    case "register":
    {
        var count = int.Parse(args[4], CultureInfo.InvariantCulture);
        for (var i = 0; i < count; i++)
            Console.WriteLine($"version {ws.Models.Register(new NewModelVersion { Name = args[2], LocalPath = args[3] }).Version}");
        break;
    }
    default:
        Console.Error.WriteLine($"unknown command '{args[0]}'");
        return 2;
}
ws.Dispose();
return 0;
