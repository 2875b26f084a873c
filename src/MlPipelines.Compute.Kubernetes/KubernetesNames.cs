using System.Text;

namespace MlPipelines.Compute.Kubernetes;

/// <summary>
/// Kubernetes' naming rules: object names as DNS-1123 labels (lowercase letters, digits and '-', starting and ending
/// with a letter or digit, at most 63 characters) and label values (at most 63 of letters, digits, '-', '_', '.',
/// starting and ending with a letter or digit, or empty).
/// </summary>
public static class KubernetesNames
{
    /// <summary>The longest DNS-1123 label (and label value).</summary>
    public const int MaxLabelLength = 63;

    /// <summary>True when <paramref name="name"/> is a DNS-1123 label.</summary>
    public static bool IsDnsLabel(string? name) =>
        name is { Length: > 0 and <= MaxLabelLength } && IsLowerAlnum(name[0]) && IsLowerAlnum(name[^1]) && name.All(c => IsLowerAlnum(c) || c == '-');

    /// <summary>True when <paramref name="name"/> is a DNS-1123 subdomain (dot-separated labels, at most 253 characters): the rule for claims, secrets, service accounts.</summary>
    public static bool IsDnsSubdomain(string? name) =>
        name is { Length: > 0 and <= 253 } && name.Split('.').All(IsDnsLabel);

    /// <summary>
    /// A DNS-1123 label made from any text (e.g. a run id): lowercased, other characters as '-', repeated '-' collapsed,
    /// at most <paramref name="maxLength"/> characters; <c>mlp</c> when nothing usable is left.
    /// </summary>
    public static string ToDnsLabel(string? text, int maxLength = MaxLabelLength)
    {
        var sb = new StringBuilder();
        foreach (var c in (text ?? "").ToLowerInvariant())
        {
            var ok = IsLowerAlnum(c) ? c : '-';
            if (ok == '-' && (sb.Length == 0 || sb[^1] == '-')) continue;
            sb.Append(ok);
        }
        var label = sb.ToString();
        if (label.Length > maxLength) label = label[..maxLength];
        label = label.Trim('-');
        return label.Length == 0 ? "mlp" : label;
    }

    /// <summary>A valid label value made from any text: other characters as '_', at most 63, trimmed to start and end with a letter or digit.</summary>
    public static string ToLabelValue(string? text)
    {
        var chars = (text ?? "").Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        var value = new string(chars);
        if (value.Length > MaxLabelLength) value = value[..MaxLabelLength];
        return value.Trim('-', '_', '.');
    }

    private static bool IsLowerAlnum(char c) => c is >= 'a' and <= 'z' or >= '0' and <= '9';
}
