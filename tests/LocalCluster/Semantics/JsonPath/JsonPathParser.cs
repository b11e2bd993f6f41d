using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ZkSync.LocalCluster.Semantics.JsonPath;

/// <summary>client-go's JSONPath template parser (util/jsonpath/parser.go), ported; errors are ArgumentExceptions.</summary>
internal sealed partial class JsonPathParser
{
    private readonly string _input;
    private int _pos;
    private int _start;

    private JsonPathParser(string input) => _input = input;

    public JsonPathNode.Sequence Root { get; } = new([]);

    public static JsonPathNode.Sequence Parse(string text)
    {
        var parser = new JsonPathParser(text);
        parser.ParseText(parser.Root);
        return parser.Root;
    }

    /// <summary>parseAction: the nodes of "{text}".</summary>
    private static JsonPathNode.Sequence ParseAction(string text) => (JsonPathNode.Sequence)Parse("{" + text + "}").Nodes[0];

    private string ConsumeText()
    {
        var value = _input[_start.._pos];
        _start = _pos;
        return value;
    }

    private int Next()
    {
        if (_pos >= _input.Length)
        {
            return -1;
        }

        return _input[_pos++];
    }

    private int Peek() => _pos >= _input.Length ? -1 : _input[_pos];

    private void Backup() => _pos--;

    private bool Rest(string prefix) => _input.AsSpan(_pos).StartsWith(prefix, StringComparison.Ordinal);

    private void ParseText(JsonPathNode.Sequence current)
    {
        while (true)
        {
            if (Rest("{"))
            {
                if (_pos > _start)
                {
                    current.Nodes.Add(new JsonPathNode.Text(ConsumeText()));
                }

                ParseLeftDelimiter(current);
                return;
            }

            if (Next() == -1)
            {
                break;
            }
        }

        if (_pos > _start)
        {
            current.Nodes.Add(new JsonPathNode.Text(ConsumeText()));
        }
    }

    private void ParseLeftDelimiter(JsonPathNode.Sequence current)
    {
        _pos++;
        ConsumeText();
        var action = new JsonPathNode.Sequence([]);
        current.Nodes.Add(action);
        ParseInsideAction(action);
    }

    private void ParseInsideAction(JsonPathNode.Sequence current)
    {
        while (true)
        {
            if (Rest("}"))
            {
                _pos++;
                ConsumeText();
                ParseText(Root);
                return;
            }

            if (Rest("[?("))
            {
                ParseFilter(current);
                continue;
            }

            if (Rest(".."))
            {
                ParseRecursive(current);
                continue;
            }

            var r = Next();
            switch (r)
            {
                case -1 or '\r' or '\n':
                    throw new ArgumentException("unclosed action");
                case ' ':
                    ConsumeText();
                    break;
                case '@' or '$':
                    ConsumeText();
                    break;
                case '[':
                    ParseArray(current);
                    break;
                case '"' or '\'':
                    ParseQuote(current, (char)r);
                    break;
                case '.':
                    ParseField(current);
                    break;
                case '+' or '-':
                case var digit when char.IsDigit((char)digit):
                    Backup();
                    ParseNumber(current);
                    break;
                case var letter when IsAlphaNumeric(letter):
                    Backup();
                    ParseIdentifier(current);
                    break;
                default:
                    throw new ArgumentException($"unrecognized character in action: U+{r:X4} '{(char)r}'");
            }
        }
    }

    private void ParseIdentifier(JsonPathNode.Sequence current)
    {
        while (!IsTerminator(Next()))
        {
        }

        Backup();
        var value = ConsumeText();
        current.Nodes.Add(value is "true" or "false" ? new JsonPathNode.Bool(value == "true") : new JsonPathNode.Identifier(value));
    }

    private void ParseRecursive(JsonPathNode.Sequence current)
    {
        if (current.Nodes.Count > 0 && current.Nodes[^1] is JsonPathNode.Recursive)
        {
            throw new ArgumentException("invalid multiple recursive descent");
        }

        _pos += 2;
        ConsumeText();
        current.Nodes.Add(new JsonPathNode.Recursive());
        if (IsAlphaNumeric(Peek()))
        {
            ParseField(current);
        }
    }

    private void ParseNumber(JsonPathNode.Sequence current)
    {
        if (Peek() is '+' or '-')
        {
            Next();
        }

        int r;
        while ((r = Next()) == '.' || (r >= 0 && char.IsDigit((char)r)))
        {
        }

        if (r != -1)
        {
            Backup();
        }

        var value = ConsumeText();
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            current.Nodes.Add(new JsonPathNode.Int(integer));
        }
        else if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            current.Nodes.Add(new JsonPathNode.Float(number));
        }
        else
        {
            throw new ArgumentException($"cannot parse number {value}");
        }
    }

    private void ParseArray(JsonPathNode.Sequence current)
    {
        while (true)
        {
            var r = Next();
            if (r is -1 or '\n')
            {
                throw new ArgumentException("unterminated array");
            }

            if (r == ']')
            {
                break;
            }
        }

        var text = ConsumeText()[1..^1];
        if (text == "*")
        {
            text = ":";
        }

        var parts = text.Split(',');
        if (parts.Length > 1)
        {
            current.Nodes.Add(new JsonPathNode.Union(parts.Select(p => ParseAction("[" + p.Trim(' ') + "]")).ToList()));
            return;
        }

        if (DictKey().Match(text) is { Success: true } key)
        {
            current.Nodes.AddRange(ParseAction("." + key.Groups[1].Value).Nodes);
            return;
        }

        var slice = SliceOperator().Match(text);
        if (!slice.Success)
        {
            throw new ArgumentException($"invalid array index {text}");
        }

        var parameters = new JsonPathNode.SliceParameter[3];
        for (var i = 0; i < 3; i++)
        {
            var part = slice.Groups[i + 1].Value;
            if (part.Length > 0)
            {
                if (i > 0)
                {
                    part = part[1..];
                }

                if (i > 0 && part.Length == 0)
                {
                    parameters[i] = new(false, 0, false);
                }
                else
                {
                    parameters[i] = int.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                        ? new(true, value, false)
                        : throw new ArgumentException($"array index {part} is not a number");
                }
            }
            else
            {
                parameters[i] = i == 1 ? new(true, parameters[0].Value + 1, true) : new(false, 0, false);
            }
        }

        current.Nodes.Add(new JsonPathNode.Slice(parameters[0], parameters[1], parameters[2]));
    }

    private void ParseFilter(JsonPathNode.Sequence current)
    {
        _pos += 3;
        ConsumeText();
        var begin = false;
        var end = false;
        var pair = '\0';
        while (true)
        {
            var r = Next();
            if (r is -1 or '\n')
            {
                throw new ArgumentException("unterminated filter");
            }

            if (r is '"' or '\'')
            {
                if (!begin)
                {
                    begin = true;
                    pair = (char)r;
                    continue;
                }

                if (_input[_pos - 2] != '\\' && r == pair)
                {
                    end = true;
                }
            }
            else if (r == ')' && begin == end)
            {
                break;
            }
        }

        if (Next() != ']')
        {
            throw new ArgumentException("unclosed array expect ]");
        }

        var text = ConsumeText()[..^2];
        var comparison = FilterComparison().Match(text);
        current.Nodes.Add(comparison.Success
            ? new JsonPathNode.Filter(ParseAction(comparison.Groups[1].Value), ParseAction(comparison.Groups[3].Value), comparison.Groups[2].Value)
            : new JsonPathNode.Filter(ParseAction(text), new JsonPathNode.Sequence([]), "exists"));
    }

    private void ParseQuote(JsonPathNode.Sequence current, char end)
    {
        while (true)
        {
            var r = Next();
            if (r is -1 or '\n')
            {
                throw new ArgumentException("unterminated quoted string");
            }

            if (r == end && _input[_pos - 2] != '\\')
            {
                break;
            }
        }

        current.Nodes.Add(new JsonPathNode.Text(Unquote(ConsumeText())));
    }

    private void ParseField(JsonPathNode.Sequence current)
    {
        ConsumeText();
        while (Advance())
        {
        }

        var value = ConsumeText();
        current.Nodes.Add(value == "*" ? new JsonPathNode.Wildcard() : new JsonPathNode.Field(value.Replace("\\", "", StringComparison.Ordinal)));
    }

    private bool Advance()
    {
        var r = Next();
        if (r == '\\')
        {
            Next();
            return true;
        }

        if (IsTerminator(r))
        {
            if (r != -1)
            {
                Backup();
            }

            return false;
        }

        return true;
    }

    private static bool IsTerminator(int r) => r is -1 or ' ' or '\t' or '\r' or '\n' or '.' or ',' or '[' or ']' or '$' or '@' or '{' or '}';

    private static bool IsAlphaNumeric(int r) => r >= 0 && (r == '_' || char.IsLetterOrDigit((char)r));

    /// <summary>UnquoteExtend: a double- or single-quoted string with Go escapes.</summary>
    private static string Unquote(string quoted)
    {
        var builder = new StringBuilder();
        var body = quoted[1..^1];
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] != '\\' || i + 1 >= body.Length)
            {
                builder.Append(body[i]);
                continue;
            }

            var c = body[++i];
            builder.Append(c switch
            {
                'n' => "\n",
                't' => "\t",
                'r' => "\r",
                'a' => "\a",
                'b' => "\b",
                'f' => "\f",
                'v' => "\v",
                'u' when i + 4 < body.Length => ((char)int.Parse(body.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString(),
                _ => c.ToString(),
            });
            if (c == 'u' && i + 4 < body.Length)
            {
                i += 4;
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex("^'([^']*)'$")]
    private static partial Regex DictKey();

    [GeneratedRegex(@"^(-?[\d]*)(:-?[\d]*)?(:-?[\d]*)?$")]
    private static partial Regex SliceOperator();

    [GeneratedRegex("^([^!<>=]+)([!<>=]+)(.+?)$")]
    private static partial Regex FilterComparison();
}
