using System.Globalization;
using System.Text.Json;
using MlPipelines.Core.Errors;

namespace MlPipelines.Evaluation;

/// <summary>
/// Reads a predictions file: CSV with a header row, or JSON lines (one object per line). Required columns are
/// <c>label</c> and <c>prediction</c>; optional <c>score</c> (binary: probability of the positive class) and
/// <c>score_&lt;class&gt;</c> (probability of each class). Problems are reported with line and column.
/// </summary>
public static class PredictionReader
{
    private const string ScorePrefix = "score_";

    /// <summary>Reads a file; JSON lines when the extension is .jsonl/.ndjson/.json or the first character is '{', else CSV.</summary>
    public static PredictionSet ReadFile(string path)
    {
        if (!File.Exists(path))
            throw MlpException.Invalid($"Predictions file '{path}' does not exist; expected a CSV (label,prediction[,score…]) or JSON lines file.");
        var name = Path.GetFileName(path);
        var ext = Path.GetExtension(path).ToLowerInvariant();
        using var reader = new StreamReader(path);
        var jsonLines = ext is ".jsonl" or ".ndjson" or ".json" || (ext != ".csv" && reader.Peek() == '{');
        return jsonLines ? ReadJsonLines(reader, name) : ReadCsv(reader, name);
    }

    /// <summary>Reads CSV with a header row; <paramref name="source"/> names the file in messages.</summary>
    public static PredictionSet ReadCsv(TextReader reader, string source = "predictions.csv")
    {
        using var records = CsvRecords.Read(reader, source).GetEnumerator();
        if (!records.MoveNext())
            throw MlpException.Invalid($"{source} is empty; expected a header row with 'label' and 'prediction'.");
        var header = records.Current.Fields.Select(h => h.Trim()).ToList();
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Count; i++) index.TryAdd(header[i], i);
        RequireColumns(source, index.Keys, header);
        var scoreClasses = header.Where(IsClassScore).Select(h => h[ScorePrefix.Length..]).ToList();
        var hasScore = index.ContainsKey("score");

        var rows = new List<PredictionRow>();
        while (records.MoveNext())
        {
            var (line, fields) = records.Current;
            if (fields.Count == 1 && fields[0].Length == 0) continue;
            if (fields.Count != header.Count)
                throw MlpException.Invalid($"{source} line {line}: has {fields.Count} fields but the header has {header.Count} ({string.Join(",", header)}).");
            string Field(string column) => fields[index[column]].Trim();
            var label = Required(source, line, "label", Field("label"));
            var prediction = Required(source, line, "prediction", Field("prediction"));
            double? score = hasScore ? Number(source, line, "score", Field("score")) : null;
            var classScores = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var cls in scoreClasses) classScores[cls] = Number(source, line, ScorePrefix + cls, Field(ScorePrefix + cls));
            rows.Add(new PredictionRow(line, label, prediction, score, classScores));
        }
        return Finish(source, rows, scoreClasses, hasScore);
    }

    /// <summary>Reads JSON lines: one object per line with 'label', 'prediction' and optional score fields.</summary>
    public static PredictionSet ReadJsonLines(TextReader reader, string source = "predictions.jsonl")
    {
        var rows = new List<PredictionRow>();
        List<string>? scoreClasses = null;
        bool hasScore = false;
        var lineNo = 0;
        string? text;
        while ((text = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            JsonDocument doc;
            try { doc = JsonDocument.Parse(text); }
            catch (JsonException e) { throw MlpException.Invalid($"{source} line {lineNo}: not valid JSON ({e.Message})."); }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw MlpException.Invalid($"{source} line {lineNo}: expected a JSON object with 'label' and 'prediction', got {doc.RootElement.ValueKind}.");
                var props = doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.OrdinalIgnoreCase);
                if (scoreClasses is null)
                {
                    RequireColumns(source, props.Keys, props.Keys.ToList(), lineNo);
                    scoreClasses = props.Keys.Where(IsClassScore).Select(k => k[ScorePrefix.Length..]).ToList();
                    hasScore = props.ContainsKey("score");
                }
                string Get(string key) => props.TryGetValue(key, out var v) ? JsonText(v) : throw MlpException.Invalid($"{source} line {lineNo}: column '{key}' is missing; the first row has it.");
                var label = Required(source, lineNo, "label", Get("label"));
                var prediction = Required(source, lineNo, "prediction", Get("prediction"));
                double? score = hasScore ? Number(source, lineNo, "score", Get("score")) : null;
                var classScores = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var cls in scoreClasses) classScores[cls] = Number(source, lineNo, ScorePrefix + cls, Get(ScorePrefix + cls));
                rows.Add(new PredictionRow(lineNo, label, prediction, score, classScores));
            }
        }
        return Finish(source, rows, scoreClasses ?? [], hasScore);
    }

    /// <summary>Parses a number as written in a predictions file (invariant culture; 'nan'/'inf' are rejected).</summary>
    internal static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static bool IsClassScore(string column) =>
        column.StartsWith(ScorePrefix, StringComparison.OrdinalIgnoreCase) && column.Length > ScorePrefix.Length;

    private static void RequireColumns(string source, IEnumerable<string> present, IReadOnlyList<string> listed, int? line = null)
    {
        var set = present.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = new[] { "label", "prediction" }.Where(c => !set.Contains(c)).ToList();
        if (missing.Count == 0) return;
        var where = line is null ? source : $"{source} line {line}";
        var have = listed.Count == 0 ? "none" : string.Join(", ", listed.Select(c => $"'{c}'"));
        throw MlpException.Invalid($"{where}: missing column {string.Join(" and ", missing.Select(m => $"'{m}'"))}; columns found: {have}. Expected 'label', 'prediction' and optionally 'score' or 'score_<class>'.");
    }

    private static string Required(string source, int line, string column, string value) =>
        value.Length > 0 ? value : throw MlpException.Invalid($"{source} line {line}, column '{column}': value is empty.");

    private static double Number(string source, int line, string column, string value)
    {
        if (TryNumber(value, out var d)) return d;
        throw MlpException.Invalid($"{source} line {line}, column '{column}': '{value}' is not a number.");
    }

    private static string JsonText(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!.Trim(),
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => v.GetRawText(),
    };

    private static PredictionSet Finish(string source, List<PredictionRow> rows, IReadOnlyList<string> scoreClasses, bool hasScore)
    {
        if (rows.Count == 0) throw MlpException.Invalid($"{source} has no data rows; expected at least one row of label,prediction.");
        return new PredictionSet(source, rows, scoreClasses, hasScore);
    }
}
