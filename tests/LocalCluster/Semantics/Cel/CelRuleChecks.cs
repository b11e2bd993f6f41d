using Antlr4.Runtime;
using Cel.Internal;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>
/// The part of cel-go's type check we can do without a checker: a chain of field selections on self or oldSelf
/// (self.spec.source.claimName) must name declared properties (by their escaped names), as the server refuses a CRD
/// whose rule says "undefined field". Selections through maps, int-or-string, preserved unknown fields or anything but
/// an object are not followed.
/// </summary>
internal static class CelRuleChecks
{
    public static IEnumerable<string> UndefinedFields(string rule, SchemaNode node, bool isResourceRoot)
    {
        var lexer = new CelLexer(new AntlrInputStream(rule));
        lexer.RemoveErrorListeners();
        var tokens = lexer.GetAllTokens().Where(t => t.Channel == TokenConstants.DefaultChannel).ToList();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Type != CelLexer.IDENTIFIER || tokens[i].Text is not ("self" or "oldSelf") || (i > 0 && tokens[i - 1].Type == CelLexer.DOT))
            {
                continue;
            }

            var current = node;
            var resource = isResourceRoot;
            var j = i + 1;
            while (j + 1 < tokens.Count && tokens[j].Type == CelLexer.DOT)
            {
                var k = j + 1;
                if (tokens[k].Type == CelLexer.QUESTIONMARK)
                {
                    k++;
                }

                if (k >= tokens.Count || tokens[k].Type != CelLexer.IDENTIFIER || (k + 1 < tokens.Count && tokens[k + 1].Type == CelLexer.LPAREN))
                {
                    break;
                }

                var name = tokens[k].Text;
                var next = Field(current, resource, name, out var undefined);
                if (undefined)
                {
                    yield return $"undefined field '{name}'";
                    break;
                }

                if (next is null)
                {
                    break;
                }

                current = next;
                resource = next.XEmbeddedResource;
                j = k + 1;
            }
        }
    }

    /// <summary>The schema of field <paramref name="escapedName"/> of an object, null when not followed further.</summary>
    private static SchemaNode? Field(SchemaNode schema, bool isResource, string escapedName, out bool undefined)
    {
        undefined = false;
        if (schema.XIntOrString || schema.Type != "object")
        {
            return null;
        }

        if (isResource && escapedName is "apiVersion" or "kind")
        {
            return null;
        }

        if (isResource && escapedName == "metadata")
        {
            return MetadataView;
        }

        if (schema.Properties is null && !isResource)
        {
            return null;
        }

        var match = schema.PropertyOrder.FirstOrDefault(p => CelNames.Escape(p) == escapedName && CelValues.IsExposed(schema.Properties![p]));
        if (match is null)
        {
            undefined = true;
            return null;
        }

        return schema.Properties![match];
    }

    /// <summary>What a rule sees of a resource's metadata: name and generateName.</summary>
    private static readonly SchemaNode MetadataView = new()
    {
        Type = "object",
        Properties = new Dictionary<string, SchemaNode>(StringComparer.Ordinal)
        {
            ["name"] = new SchemaNode { Type = "string" },
            ["generateName"] = new SchemaNode { Type = "string" },
        },
        PropertyOrder = ["name", "generateName"],
    };
}
