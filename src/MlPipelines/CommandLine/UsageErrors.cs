using System.CommandLine;
using System.CommandLine.Parsing;
using MlPipelines.Core.Text;

namespace MlPipelines.CommandLine;

/// <summary>
/// Turns System.CommandLine's parse errors into messages for people: unknown commands and options with the nearest
/// name ("did you mean 'list'?"), bad values naming the option and what it accepts, and never a .NET type name.
/// Shared by <c>mlp</c> and pipeline programs.
/// </summary>
public static class UsageErrors
{
    /// <summary>The messages for the parse errors of <paramref name="parse"/> (empty when it has none).</summary>
    public static IReadOnlyList<string> Describe(ParseResult parse)
    {
        var messages = new List<string>();
        var command = parse.CommandResult;
        var unmatched = parse.UnmatchedTokens;
        if (unmatched.Count > 0) messages.AddRange(Unmatched(command, unmatched));
        foreach (var error in parse.Errors)
        {
            switch (error.SymbolResult)
            {
                case CommandResult c when unmatched.Any(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal)):
                    break; // described above, with a suggestion
                case CommandResult c when NeedsSubcommand(c.Command) && !error.Message.Contains('\''):
                    if (unmatched.Count == 0)
                        messages.Add($"'{PathOf(c)}' needs a command: {string.Join(", ", Visible(c.Command.Subcommands).Select(s => s.Name))}.");
                    break;
                case OptionResult o when IsConversionError(error, o.Option.ValueType, o.Tokens):
                    messages.Add(BadValue($"option '{o.Option.Name}'", o.Tokens, o.Option.ValueType));
                    break;
                case ArgumentResult a when IsConversionError(error, a.Argument.ValueType, a.Tokens):
                    messages.Add(BadValue($"argument <{a.Argument.Name}>", a.Tokens, a.Argument.ValueType));
                    break;
                default:
                    messages.Add(error.Message);
                    break;
            }
        }
        return messages.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Writes the messages of a parse that failed (<c>error: …</c> lines and where to find help) and returns exit code 2.</summary>
    public static int Report(ParseResult parse, TextWriter error)
    {
        foreach (var m in Describe(parse)) error.WriteLine("error: " + m);
        error.WriteLine($"Run '{PathOf(parse.CommandResult)} --help' for usage.");
        return Core.Errors.ExitCodes.InvalidInput;
    }

    /// <summary>What a value of <paramref name="type"/> must look like, e.g. "a whole number" or "one of table, json".</summary>
    public static string Expected(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsArray) return Expected(t.GetElementType()!);
        if (t.IsEnum) return "one of " + string.Join(", ", Enum.GetNames(t).Select(n => n.ToLowerInvariant()));
        if (t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(byte) || t == typeof(uint) || t == typeof(ulong))
            return "a whole number";
        if (t == typeof(double) || t == typeof(float) || t == typeof(decimal)) return "a number";
        if (t == typeof(bool)) return "true or false";
        if (t == typeof(TimeSpan)) return "a duration: " + Durations.Forms;
        return "a different value";
    }

    private static IEnumerable<string> Unmatched(CommandResult command, IReadOnlyList<string> tokens)
    {
        var path = PathOf(command);
        if (!tokens[0].StartsWith('-') && command.Command.Subcommands.Count > 0 && command.Tokens.Count == 0)
        {
            var names = Visible(command.Command.Subcommands).SelectMany(s => s.Aliases.Prepend(s.Name)).ToList();
            var near = Suggestions.Nearest(tokens[0], names);
            var tail = near is not null ? $"did you mean '{near}'?" : $"available: {string.Join(", ", Visible(command.Command.Subcommands).Select(s => s.Name))}.";
            yield return $"Unknown command '{tokens[0]}' for '{path}'; {tail}";
            yield break;
        }
        var afterUnknownOption = false;
        foreach (var token in tokens)
        {
            if (afterUnknownOption && !token.StartsWith('-')) { afterUnknownOption = false; continue; } // its value
            afterUnknownOption = token.StartsWith('-');
            if (afterUnknownOption)
            {
                var near = Suggestions.Nearest(token, OptionNames(command));
                yield return near is not null
                    ? $"Unknown option '{token}' for '{path}'; did you mean '{near}'?"
                    : $"Unknown option '{token}' for '{path}'.";
            }
            else yield return $"Unexpected argument '{token}' for '{path}'.";
        }
    }

    private static string BadValue(string what, IReadOnlyList<Token> tokens, Type type)
    {
        var value = tokens.Count > 0 ? tokens[^1].Value : "";
        var message = $"Invalid value '{value}' for {what}: expected {Expected(type)}.";
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsEnum && Suggestions.Nearest(value, Enum.GetNames(t).Select(n => n.ToLowerInvariant())) is { } near)
            message = message.TrimEnd('.') + $"; did you mean '{near}'?";
        return message;
    }

    /// <summary>A failed conversion by System.CommandLine itself: its message names the .NET type, so it is rewritten.</summary>
    private static bool IsConversionError(ParseError error, Type type, IReadOnlyList<Token> tokens) =>
        tokens.Count > 0 && (error.Message.Contains(type.ToString(), StringComparison.Ordinal) ||
                             error.Message.Contains($"'{type.Name}'", StringComparison.Ordinal) ||
                             (Nullable.GetUnderlyingType(type) is { } u && error.Message.Contains(u.ToString(), StringComparison.Ordinal)));

    private static bool NeedsSubcommand(Command command) => command.Subcommands.Count > 0 && command.Action is null;

    private static IEnumerable<Command> Visible(IEnumerable<Command> commands) => commands.Where(c => !c.Hidden);

    private static IEnumerable<string> OptionNames(CommandResult command)
    {
        for (SymbolResult? r = command; r is not null; r = r.Parent)
        {
            if (r is not CommandResult c) continue;
            foreach (var o in c.Command.Options.Where(o => !o.Hidden && (ReferenceEquals(c, command) || o.Recursive)))
                foreach (var name in o.Aliases.Prepend(o.Name)) yield return name;
        }
    }

    private static string PathOf(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? r = command; r is not null; r = r.Parent)
            if (r is CommandResult c) names.Insert(0, c.Command.Name);
        return string.Join(' ', names);
    }
}
