using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace MlPipelines.Cli.Infrastructure;

/// <summary>Writes listings as a table (terminal) or JSON (scripts).</summary>
internal sealed class CliOutput(OutputFormat format)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public bool IsJson => format == OutputFormat.Json;

    /// <summary>Prints rows: JSON array of <paramref name="items"/>, or a table with the given columns.</summary>
    public void List<T>(IEnumerable<T> items, params (string Header, Func<T, string?> Value)[] columns)
    {
        var list = items.ToList();
        if (IsJson) { Console.Out.WriteLine(JsonSerializer.Serialize(list, Json)); return; }
        if (list.Count == 0) { Console.Out.WriteLine("(none)"); return; }
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var c in columns) table.AddColumn(Markup.Escape(c.Header));
        foreach (var item in list) table.AddRow(columns.Select(c => Markup.Escape(c.Value(item) ?? "")).ToArray());
        AnsiConsole.Write(table);
    }

    /// <summary>Prints one object: JSON, or the given key/value lines.</summary>
    public void Item<T>(T item, IEnumerable<(string Key, string? Value)> lines)
    {
        if (IsJson) { Console.Out.WriteLine(JsonSerializer.Serialize(item, Json)); return; }
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        foreach (var (k, v) in lines) grid.AddRow(new Markup("[bold]" + Markup.Escape(k) + "[/]"), new Text(v ?? ""));
        AnsiConsole.Write(grid);
    }

    /// <summary>Prints a plain message (suppressed in JSON mode, where the caller prints a JSON result instead).</summary>
    public void Line(string text)
    {
        if (!IsJson) Console.Out.WriteLine(text);
    }

    /// <summary>Prints a warning on stderr (also in JSON mode, whose stdout carries only the result).</summary>
    public static void Warn(string text) => Console.Error.WriteLine("warning: " + text);

    /// <summary>Prints any value as JSON.</summary>
    public void JsonValue(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));

    public static string Format(double v) => double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "Inf" : double.IsNegativeInfinity(v) ? "-Inf" : v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
    public static string Format(DateTimeOffset? t) => t?.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss") ?? "";
    public static string Format(TimeSpan? d) => d is null ? "" : d.Value.TotalSeconds < 60 ? $"{d.Value.TotalSeconds:0.0}s" : d.Value.ToString(@"hh\:mm\:ss");
    public static string Size(long bytes) => bytes < 1024 ? $"{bytes} B" : bytes < 1 << 20 ? $"{bytes / 1024.0:0.0} KiB" : bytes < 1 << 30 ? $"{bytes / 1048576.0:0.0} MiB" : $"{bytes / 1073741824.0:0.00} GiB";
}
