using System.Text;
using MlPipelines.Core.Errors;

namespace MlPipelines.Evaluation;

/// <summary>A minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF/LF, newlines inside quotes. Yields each record with the line it starts on.</summary>
internal static class CsvRecords
{
    public static IEnumerable<(int Line, List<string> Fields)> Read(TextReader reader, string source)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        var any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            var ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else inQuotes = false;
                }
                else
                {
                    if (ch == '\n') line++;
                    field.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                case '"' when field.Length == 0:
                    inQuotes = true; any = true; break;
                case ',':
                    fields.Add(field.ToString()); field.Clear(); any = true; break;
                case '\r':
                    break;
                case '\n':
                    if (any || field.Length > 0) { fields.Add(field.ToString()); yield return (recordLine, fields); }
                    fields = []; field.Clear(); any = false;
                    line++; recordLine = line;
                    break;
                default:
                    field.Append(ch); any = true; break;
            }
        }
        if (inQuotes) throw MlpException.Invalid($"{source} line {recordLine}: a quoted field is not closed before the end of the file.");
        if (any || field.Length > 0) { fields.Add(field.ToString()); yield return (recordLine, fields); }
    }
}
