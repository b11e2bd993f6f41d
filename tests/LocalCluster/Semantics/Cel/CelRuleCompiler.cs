using Cel;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>
/// Compiles the x-kubernetes-validations of a schema when it is loaded, reporting what the server would refuse in the
/// CRD: rules and messageExpressions that do not parse, fields a rule selects on self that the schema does not
/// declare, oldSelf inside list items that cannot be correlated, and optionalOldSelf without oldSelf.
/// </summary>
internal static class CelRuleCompiler
{
    public static Dictionary<SchemaNode, List<CompiledRule>> CompileAll(SchemaNode root, string path, List<FieldError> errors)
    {
        var compiled = new Dictionary<SchemaNode, List<CompiledRule>>(ReferenceEqualityComparer.Instance);
        Visit(root, path, isResourceRoot: true, uncorrelatablePath: null, compiled, errors);
        return compiled;
    }

    private static void Visit(SchemaNode node, string path, bool isResourceRoot, string? uncorrelatablePath, Dictionary<SchemaNode, List<CompiledRule>> compiled, List<FieldError> errors)
    {
        if (node.XValidations.Count > 0)
        {
            var rules = new List<CompiledRule>();
            for (var i = 0; i < node.XValidations.Count; i++)
            {
                if (Compile(node, node.XValidations[i], $"{path}.x-kubernetes-validations[{i}]", isResourceRoot, uncorrelatablePath, errors) is { } rule)
                {
                    rules.Add(rule);
                }
            }

            compiled[node] = rules;
        }

        foreach (var name in node.PropertyOrder)
        {
            Visit(node.Properties![name], FieldErrors.Key(path + ".properties", name), node.Properties[name].XEmbeddedResource, uncorrelatablePath, compiled, errors);
        }

        if (node.AdditionalProperties is { } additional)
        {
            Visit(additional, path + ".additionalProperties", additional.XEmbeddedResource, uncorrelatablePath, compiled, errors);
        }

        if (node.Items is { } items)
        {
            Visit(items, path + ".items", items.XEmbeddedResource, node.XListType == "map" ? uncorrelatablePath : uncorrelatablePath ?? path, compiled, errors);
        }
    }

    private static CompiledRule? Compile(SchemaNode node, ValidationRule rule, string rulePath, bool isResourceRoot, string? uncorrelatablePath, List<FieldError> errors)
    {
        if (rule.Rule.Trim().Length == 0)
        {
            return null;
        }

        var environment = KubernetesCelEnvironment.Environment;
        CelProgramDelegate program;
        try
        {
            program = environment.Compile(CelExpressionRewriter.Rewrite(environment, rule.Rule));
        }
        catch (CelException e)
        {
            errors.Add(FieldErrors.Invalid(rulePath + ".rule", rule.Rule, "compilation failed: " + e.Message.Trim()));
            return null;
        }

        foreach (var problem in CelRuleChecks.UndefinedFields(rule.Rule, node, isResourceRoot))
        {
            errors.Add(FieldErrors.Invalid(rulePath + ".rule", rule.Rule, "compilation failed: " + problem));
        }

        var usesOldSelf = KubernetesCelEnvironment.UsesOldSelf(rule.Rule);
        if (usesOldSelf && uncorrelatablePath is not null)
        {
            errors.Add(FieldErrors.Invalid(rulePath + ".rule", rule.Rule, "oldSelf cannot be used on the uncorrelatable portion of the schema within " + uncorrelatablePath));
        }

        if (rule.OptionalOldSelf && !usesOldSelf)
        {
            errors.Add(FieldErrors.Invalid(rulePath + ".optionalOldSelf", true, "may not be set if oldSelf is not used in rule"));
        }

        CelProgramDelegate? messageExpression = null;
        if (!string.IsNullOrWhiteSpace(rule.MessageExpression))
        {
            try
            {
                messageExpression = environment.Compile(CelExpressionRewriter.Rewrite(environment, rule.MessageExpression));
            }
            catch (CelException e)
            {
                errors.Add(FieldErrors.Invalid(rulePath + ".messageExpression", rule.MessageExpression, "messageExpression compilation failed: " + e.Message.Trim()));
            }
        }

        var normalizedFieldPath = rule.FieldPath is { Length: > 0 } fieldPath ? RuleFieldPath.Resolve(fieldPath, node) : null;
        return new CompiledRule(rule, program, messageExpression, usesOldSelf, normalizedFieldPath);
    }
}
