using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>
/// Go (RE2) regular expressions, as schema patterns and CEL's matches() use them, run on .NET's engine. RE2 is not
/// available, so the pattern is translated where the two read the same text differently — \d, \w, \s and \b are ASCII
/// in RE2 but Unicode in .NET; $ is the end of the text in RE2 but also matches before a final newline in .NET;
/// (?P&lt;name&gt;) becomes (?&lt;name&gt;), POSIX classes [[:alpha:]] are spelled out — and compiled with RegexOptions.NonBacktracking, which like RE2 runs in linear
/// time and refuses backreferences and lookarounds. What remains different: RE2's (?U) flag and some rarely used
/// escapes (\C, \Q..\E) are not supported, and .NET accepts a few constructs RE2 refuses (e.g. possessive-looking
/// syntax is rejected by both, but character class subtraction [a-z-[aeiou]] is .NET only).
/// </summary>
internal static class GoRegex
{
    private static readonly ConcurrentDictionary<string, Regex?> Cache = new(StringComparer.Ordinal);

    /// <summary>The compiled pattern, or null when it is not a valid expression.</summary>
    public static Regex? TryCompile(string pattern) => Cache.GetOrAdd(pattern, static p =>
    {
        try
        {
            return new Regex(Translate(p), RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    });

    /// <summary>Why <paramref name="pattern"/> does not compile, or null when it does.</summary>
    public static string? CompileError(string pattern)
    {
        try
        {
            _ = new Regex(Translate(pattern), RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
        catch (NotSupportedException e)
        {
            return e.Message;
        }
    }

    public static bool IsMatch(string pattern, string input) =>
        (TryCompile(pattern) ?? throw new ArgumentException($"invalid regular expression {pattern}", nameof(pattern))).IsMatch(input);

    internal static string Translate(string pattern)
    {
        var builder = new StringBuilder(pattern.Length + 16);
        var inClass = false;
        var multiline = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[++i];
                builder.Append(next switch
                {
                    'd' => inClass ? "0-9" : "[0-9]",
                    'D' => inClass ? @"\x00-/:-\uFFFF" : "[^0-9]",
                    'w' => inClass ? "0-9A-Za-z_" : "[0-9A-Za-z_]",
                    'W' => inClass ? @"\x00-/:-@\[-^`{-\uFFFF" : "[^0-9A-Za-z_]",
                    's' => inClass ? @"\t\n\f\r " : @"[\t\n\f\r ]",
                    'S' => inClass ? @"\x00-\x08\x0B\x0E-\x1F!-\uFFFF" : @"[^\t\n\f\r ]",
                    'z' => @"\z",
                    _ => "\\" + next,
                });
                continue;
            }

            if (inClass)
            {
                if (c == '[' && i + 1 < pattern.Length && pattern[i + 1] == ':')
                {
                    var end = pattern.IndexOf(":]", i + 2, StringComparison.Ordinal);
                    if (end > 0)
                    {
                        builder.Append(PosixClass(pattern[(i + 2)..end]));
                        i = end + 1;
                        continue;
                    }
                }

                if (c == ']')
                {
                    inClass = false;
                }

                builder.Append(c);
                continue;
            }

            switch (c)
            {
                case '[':
                    inClass = true;
                    builder.Append(c);
                    if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                    {
                        builder.Append('^');
                        i++;
                    }

                    // A ']' right after '[' or '[^' is a literal in both engines.
                    if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                    {
                        builder.Append(@"\]");
                        i++;
                    }

                    break;
                case '$':
                    builder.Append(multiline ? "$" : @"\z");
                    break;
                case '(' when pattern.AsSpan(i).StartsWith("(?P<"):
                    builder.Append("(?<");
                    i += 3;
                    break;
                case '(' when pattern.AsSpan(i).StartsWith("(?") && i + 2 < pattern.Length && char.IsLetter(pattern[i + 2]):
                    {
                        var end = pattern.IndexOfAny([')', ':'], i + 2);
                        if (end > 0 && pattern[(i + 2)..end].Split('-')[0].Contains('m', StringComparison.Ordinal))
                        {
                            multiline = true;
                        }

                        builder.Append(c);
                        break;
                    }

                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString();
    }

    private static string PosixClass(string name) => name switch
    {
        "alnum" => "0-9A-Za-z",
        "alpha" => "A-Za-z",
        "ascii" => @"\x00-\x7F",
        "blank" => @"\t ",
        "cntrl" => @"\x00-\x1F\x7F",
        "digit" => "0-9",
        "graph" => @"!-~",
        "lower" => "a-z",
        "print" => @" -~",
        "punct" => @"!-/:-@\[-`{-~",
        "space" => @"\t\n\v\f\r ",
        "upper" => "A-Z",
        "word" => "0-9A-Za-z_",
        "xdigit" => "0-9A-Fa-f",
        _ => "[:" + name + ":]",
    };
}
