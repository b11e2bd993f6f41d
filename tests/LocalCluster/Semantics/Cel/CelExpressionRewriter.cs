using System.Text;
using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using Cel;
using Cel.Internal;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>
/// Rewrites a parsed CEL expression so that its ==, != and "in" call <see cref="CelEquality"/>'s functions
/// ("a == b" becomes "_kubesem_eq_(a, b)", "a != b" "!_kubesem_eq_(a, b)", "a in b" "_kubesem_in_(a, b)"), keeping
/// everything else as written. The Cel package evaluates these operators itself and cannot be told otherwise.
/// </summary>
internal static class CelExpressionRewriter
{
    public static string Rewrite(CelEnvironment environment, string expression)
    {
        var tree = environment.Parse(expression);
        return Rewrite(tree, expression);
    }

    private static string Rewrite(IParseTree node, string source)
    {
        if (node is CelParser.RelationContext { op: { } op } relation && op.Text is "==" or "!=" or "in")
        {
            var left = Rewrite(relation.GetChild(0), source);
            var right = Rewrite(relation.GetChild(2), source);
            return op.Text switch
            {
                "==" => $"{CelEquality.EqualsFunction}({left}, {right})",
                "!=" => $"!{CelEquality.EqualsFunction}({left}, {right})",
                _ => $"{CelEquality.InFunction}({left}, {right})",
            };
        }

        if (node is ITerminalNode terminal)
        {
            return terminal.Symbol.Type == TokenConstants.EOF ? "" : terminal.GetText();
        }

        if (node is not ParserRuleContext context || context.Stop is null || context.Stop.StopIndex < context.Start.StartIndex)
        {
            return "";
        }

        var builder = new StringBuilder();
        var cursor = context.Start.StartIndex;
        for (var i = 0; i < context.ChildCount; i++)
        {
            var child = context.GetChild(i);
            var (start, stop) = Span(child);
            if (start < 0)
            {
                continue;
            }

            if (start > cursor)
            {
                builder.Append(source, cursor, start - cursor);
            }

            builder.Append(Rewrite(child, source));
            cursor = Math.Max(cursor, stop + 1);
        }

        if (context.Stop.StopIndex + 1 > cursor)
        {
            builder.Append(source, cursor, context.Stop.StopIndex + 1 - cursor);
        }

        return builder.ToString();
    }

    private static (int Start, int Stop) Span(IParseTree node) => node switch
    {
        ITerminalNode terminal when terminal.Symbol.Type != TokenConstants.EOF => (terminal.Symbol.StartIndex, terminal.Symbol.StopIndex),
        ParserRuleContext { Stop: not null } rule when rule.Stop.StopIndex >= rule.Start.StartIndex => (rule.Start.StartIndex, rule.Stop.StopIndex),
        _ => (-1, -1),
    };
}
