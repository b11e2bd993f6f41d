using System.Text;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// Kubernetes' <c>$(VAR)</c> references in a container's <c>command</c>, <c>args</c> and env values
/// (k8s.io/kubernetes third_party/forked/golang/expansion): <c>$(NAME)</c> becomes the variable's value when
/// it is defined and stays as written when it is not; <c>$$</c> is an escaped <c>$</c>; a <c>$</c> before
/// anything else, or an unclosed <c>$(</c>, is kept.
/// </summary>
public static class VariableExpansion
{
    public static string Expand(string input, Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(lookup);
        if (!input.Contains('$', StringComparison.Ordinal))
        {
            return input;
        }

        var output = new StringBuilder(input.Length);
        var checkpoint = 0;
        for (var cursor = 0; cursor < input.Length; cursor++)
        {
            if (input[cursor] != '$' || cursor + 1 >= input.Length)
            {
                continue;
            }

            output.Append(input, checkpoint, cursor - checkpoint);
            var next = input[cursor + 1];
            int consumed;
            if (next == '$')
            {
                output.Append('$');
                consumed = 1;
            }
            else if (next == '(')
            {
                var close = input.IndexOf(')', cursor + 2);
                if (close < 0)
                {
                    output.Append(input, cursor, input.Length - cursor);
                    consumed = input.Length - cursor - 1;
                }
                else
                {
                    var name = input[(cursor + 2)..close];
                    output.Append(lookup(name) ?? $"$({name})");
                    consumed = close - cursor;
                }
            }
            else
            {
                output.Append('$').Append(next);
                consumed = 1;
            }

            cursor += consumed;
            checkpoint = cursor + 1;
        }

        return output.Append(input, checkpoint, input.Length - checkpoint).ToString();
    }

    /// <summary>Expands against a container's environment (the last definition of a name wins).</summary>
    public static string Expand(string input, IReadOnlyList<KeyValuePair<string, string>> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return Expand(input, name => Lookup(environment, name));
    }

    private static string? Lookup(IReadOnlyList<KeyValuePair<string, string>> environment, string name)
    {
        for (var i = environment.Count - 1; i >= 0; i--)
        {
            if (string.Equals(environment[i].Key, name, StringComparison.Ordinal))
            {
                return environment[i].Value;
            }
        }

        return null;
    }
}
