using System.Globalization;
using System.Text;

namespace MlPipelines.Http;

/// <summary>Makes text from a request safe to log: control characters (CR, LF, ESC, …) become <c>\uXXXX</c>.</summary>
public static class LogText
{
    /// <summary>The text with every control character escaped; the same instance when there is none.</summary>
    public static string Escape(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
            if (char.IsControl(c)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else sb.Append(c);
        return sb.ToString();
    }
}
