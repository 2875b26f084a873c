using System.Security.Cryptography;
using System.Text;

namespace MlPipelines.Core.Hashing;

/// <summary>SHA-256 helpers; every content address in MlPipelines is a lowercase hex SHA-256.</summary>
public static class ContentHash
{
    /// <summary>Length of a content address: 64 lowercase hex characters.</summary>
    public const int Length = 64;

    /// <summary>True when <paramref name="hash"/> is a content address: exactly 64 lowercase hex characters, nothing else.</summary>
    public static bool IsValid(string? hash) => hash is { Length: Length } && hash.All(char.IsAsciiHexDigitLower);

    /// <summary>Returns <paramref name="hash"/>, or throws an InvalidInput <see cref="Errors.MlpException"/> naming <paramref name="what"/> and the expected format.</summary>
    public static string Validate(string what, string? hash) => IsValid(hash) ? hash!
        : throw Errors.MlpException.Invalid($"Invalid {what} '{Shorten(hash)}'; expected a SHA-256 as 64 lowercase hex characters.");

    private static string Shorten(string? s) => s is null ? "" : s.Length <= 80 ? s : s[..77] + "...";

    /// <summary>Hash of a byte span.</summary>
    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Hash of a UTF-8 string.</summary>
    public static string OfText(string text) => Of(Encoding.UTF8.GetBytes(text));

    /// <summary>Hash of a stream's remaining content.</summary>
    public static string Of(Stream stream) => Convert.ToHexStringLower(SHA256.HashData(stream));

    /// <summary>Hash of a file's content, read with a large buffer.</summary>
    public static string OfFile(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 20, FileOptions.SequentialScan);
        return Of(fs);
    }

    /// <summary>Hash of an ordered list of named parts, unambiguous (length-prefixed), used for cache keys and folder hashes.</summary>
    public static string OfParts(IEnumerable<KeyValuePair<string, string>> parts)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (k, v) in parts)
        {
            foreach (var s in new[] { k, v })
            {
                var b = Encoding.UTF8.GetBytes(s);
                h.AppendData(BitConverter.GetBytes(b.Length));
                h.AppendData(b);
            }
        }
        return Convert.ToHexStringLower(h.GetHashAndReset());
    }
}
