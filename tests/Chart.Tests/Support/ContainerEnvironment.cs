using System.Text;
using System.Text.Json.Nodes;

namespace ZkSync.Chart.Tests.Support;

/// <summary>
/// A rendered container's environment as the kubelet gives it to the process: values with <c>$(NAME)</c> references to
/// variables defined before them expanded (<c>$$</c> is a literal <c>$</c>; an unknown reference stays as written),
/// <c>fieldRef</c>s and <c>secretKeyRef</c>s resolved from what the caller knows of the pod.
/// </summary>
public static class ContainerEnvironment
{
    public static Dictionary<string, string> Resolve(
        JsonObject container, IReadOnlyDictionary<string, string> fields, Func<string, string, string> secret)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(secret);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in container["env"]?.AsArray() ?? [])
        {
            var name = (string)entry!["name"]!;
            if (entry["value"] is { } value)
            {
                environment[name] = Expand((string)value!, environment);
            }
            else if (entry["valueFrom"]?["fieldRef"]?["fieldPath"] is { } field)
            {
                environment[name] = fields.TryGetValue((string)field!, out var known)
                    ? known
                    : throw new InvalidOperationException($"env {name}: fieldRef {field} is not known to the test");
            }
            else if (entry["valueFrom"]?["secretKeyRef"] is { } reference)
            {
                environment[name] = secret((string)reference["name"]!, (string)reference["key"]!);
            }
            else
            {
                throw new InvalidOperationException($"env {name}: {entry.ToJsonString()} is not supported by the test");
            }
        }

        return environment;
    }

    /// <summary>Kubernetes' expansion of <c>$(NAME)</c> in env values, command and args.</summary>
    public static string Expand(string text, IReadOnlyDictionary<string, string> defined)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '$' || i + 1 == text.Length)
            {
                result.Append(text[i]);
                continue;
            }

            if (text[i + 1] == '$')
            {
                result.Append('$');
                i++;
                continue;
            }

            var close = text[i + 1] == '(' ? text.IndexOf(')', i + 2) : -1;
            if (close > 0 && defined.TryGetValue(text[(i + 2)..close], out var value))
            {
                result.Append(value);
                i = close;
                continue;
            }

            result.Append('$');
        }

        return result.ToString();
    }
}
