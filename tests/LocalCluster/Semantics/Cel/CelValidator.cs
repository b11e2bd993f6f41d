using System.Text.Json.Nodes;
using Cel;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>
/// Runs a schema's x-kubernetes-validations over an object as apiextensions-apiserver's cel.Validator does
/// (apiserver/schema/cel/validation.go): every rule of every non-null value, self typed by the value's schema (a
/// resource root or embedded resource also exposing apiVersion, kind, metadata.name and metadata.generateName);
/// transition rules (those that use oldSelf) only where an old value correlates, unless optionalOldSelf; errors at
/// the rule's node or its fieldPath, with the rule's message, messageExpression and reason; a rule that does not
/// use oldSelf is not run on a value that did not change, as its failure would not be reported (ratcheting).
/// </summary>
internal sealed class CelValidator
{
    private readonly Dictionary<SchemaNode, List<CompiledRule>> _rules;

    /// <summary>The nodes with rules at or below them, computed once so that validation only reads (and may run in parallel).</summary>
    private readonly HashSet<SchemaNode> _withRules = new(ReferenceEqualityComparer.Instance);

    public CelValidator(Dictionary<SchemaNode, List<CompiledRule>> rules, SchemaNode root)
    {
        _rules = rules;
        CollectNodesWithRules(root);
    }

    public bool IsEmpty => _rules.Count == 0;

    /// <summary>Validates a whole custom resource; <paramref name="ratchet"/> on updates through the main endpoint only.</summary>
    public List<FieldError> Validate(JsonObject obj, JsonObject? oldObj, SchemaNode root, bool ratchet)
    {
        var errors = new List<FieldError>();
        var old = oldObj is null ? null : new OldValue(oldObj);
        Validate(null, obj, old, root, isResourceRoot: true, ratchet: ratchet && old is not null, parentUnchanged: false, errors);
        return errors;
    }

    /// <summary>Validates a value at <paramref name="path"/> against the rules of its schema subtree (a default, say).</summary>
    public List<FieldError> ValidateValue(string path, JsonNode? node, OldValue? old, SchemaNode schema, bool isResourceRoot)
    {
        var errors = new List<FieldError>();
        Validate(path, node, old, schema, isResourceRoot, ratchet: false, parentUnchanged: false, errors);
        return errors;
    }

    private void Validate(string? path, JsonNode? node, OldValue? old, SchemaNode schema, bool isResourceRoot, bool ratchet, bool parentUnchanged, List<FieldError> errors)
    {
        if (node is null || !HasRules(schema))
        {
            return;
        }

        var unchanged = ratchet && (old is not null ? Correlation.Unchanged(node, old.Value, schema) : parentUnchanged);
        if (_rules.TryGetValue(schema, out var rules) && rules.Count > 0)
        {
            ValidateExpressions(path, node, old, schema, isResourceRoot, rules, unchanged, errors);
        }

        switch (node)
        {
            case JsonArray array when schema.Items is { } items:
                for (var i = 0; i < array.Count; i++)
                {
                    var oldItem = old is null ? null : Correlation.Item(array, old.Value, i, schema);
                    Validate(FieldErrors.Key(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), array[i],
                        oldItem is null ? null : new OldValue(oldItem), items, items.XEmbeddedResource, ratchet, unchanged, errors);
                }

                break;
            case JsonObject obj:
                if (schema.AdditionalProperties is { } additional)
                {
                    foreach (var (name, value) in obj)
                    {
                        Validate(FieldErrors.Key(path, name), value, FieldOld(obj, old, name), additional, additional.XEmbeddedResource, ratchet, unchanged, errors);
                    }
                }

                if (schema.Properties is not null)
                {
                    foreach (var (name, value) in obj)
                    {
                        if (schema.Property(name) is { } property && CelValues.IsExposed(property))
                        {
                            Validate(FieldErrors.Child(path, name), value, FieldOld(obj, old, name), property, property.XEmbeddedResource, ratchet, unchanged, errors);
                        }
                    }
                }

                break;
        }
    }

    private static OldValue? FieldOld(JsonObject obj, OldValue? old, string name) =>
        old is not null && Correlation.HasField(obj, old.Value, name) ? new OldValue(Correlation.Field(obj, old.Value, name)) : null;

    private bool HasRules(SchemaNode schema) => _withRules.Contains(schema);

    private bool CollectNodesWithRules(SchemaNode schema)
    {
        var has = _rules.ContainsKey(schema);
        if (schema.Items is not null)
        {
            has |= CollectNodesWithRules(schema.Items);
        }

        if (schema.AdditionalProperties is not null)
        {
            has |= CollectNodesWithRules(schema.AdditionalProperties);
        }

        foreach (var property in schema.Properties?.Values ?? [])
        {
            has |= CollectNodesWithRules(property);
        }

        if (has)
        {
            _withRules.Add(schema);
        }

        return has;
    }

    private static void ValidateExpressions(string? path, JsonNode node, OldValue? old, SchemaNode schema, bool isResourceRoot, List<CompiledRule> rules, bool unchanged, List<FieldError> errors)
    {
        var typeName = schema.XIntOrString ? "" : schema.Type ?? "";
        var field = FieldErrors.Display(path);
        object? self;
        object? oldSelf = null;
        try
        {
            self = CelValues.From(node, schema, isResourceRoot);
            if (old is not null)
            {
                oldSelf = CelValues.From(old.Value, schema, isResourceRoot);
            }
        }
        catch (CelEvaluationException e)
        {
            errors.Add(FieldErrors.Invalid(field, typeName, e.Message));
            return;
        }

        foreach (var rule in rules)
        {
            if (rule.UsesOldSelf && old is null && !rule.Rule.OptionalOldSelf)
            {
                continue;
            }

            // A rule without oldSelf failing on a value that did not change would be ratcheted (not reported), so it is
            // not run at all: the Cel package is slow, and updates mostly leave most values alone. The one difference:
            // a runtime error of such a rule on an unchanged value, which the server reports, goes unreported here.
            if (!rule.UsesOldSelf && unchanged)
            {
                continue;
            }

            var variables = rule.Rule.OptionalOldSelf
                ? KubernetesCelEnvironment.Variables(self, true, old is null ? CelOptional.None : CelOptional.Of(oldSelf))
                : KubernetesCelEnvironment.Variables(self, old is not null, oldSelf);
            var (result, failure) = Evaluate(rule.Program, variables);
            if (failure is not null)
            {
                errors.Add(FieldErrors.Invalid(field, typeName, failure.StartsWith("no such overload", StringComparison.Ordinal)
                    ? $"'{failure}': call arguments did not match a supported operator, function or macro signature for rule: {ErrorString(rule.Rule)}"
                    : $"{failure} evaluating rule: {ErrorString(rule.Rule)}"));
                continue;
            }

            if (result is true)
            {
                continue;
            }

            if (!rule.UsesOldSelf && unchanged)
            {
                continue;
            }

            var errorPath = rule.NormalizedFieldPath is { Length: > 0 } fieldPath ? FieldErrors.Child(path, fieldPath) : path;
            var message = rule.MessageExpression is not null
                ? EvaluateMessage(rule.MessageExpression, KubernetesCelEnvironment.Variables(self, old is not null, oldSelf)) ?? MessageOrDefault(rule.Rule)
                : MessageOrDefault(rule.Rule);
            errors.Add(ForReason(FieldErrors.Display(errorPath), typeName, message, rule.Rule.Reason));
        }
    }

    /// <summary>Runs a program; a result or a cel-go style error text.</summary>
    internal static (object? Result, string? Failure) Evaluate(CelProgramDelegate program, Dictionary<string, object?> variables)
    {
        try
        {
            var result = program(variables);
            return result switch
            {
                bool => (result, null),
                _ when CelOptionals.IsAbsent(result) => (null, CelErrorText.NoSuchKey(result)),
                null => (null, "no such overload"),
                _ => (result, null),
            };
        }
        catch (Exception e) when (CelErrorText.IsEvaluationError(e))
        {
            return (null, CelErrorText.Of(e));
        }
    }

    private static string? EvaluateMessage(CelProgramDelegate program, Dictionary<string, object?> variables)
    {
        var (result, failure) = Evaluate(program, variables);
        if (failure is not null || result is not string text)
        {
            return null;
        }

        var trimmed = text.Trim();
        return trimmed.Length == 0 || trimmed.Length > 5000 || trimmed.Contains('\n', StringComparison.Ordinal) ? null : trimmed;
    }

    private static FieldError ForReason(string field, string typeName, string detail, string? reason) => reason switch
    {
        "FieldValueForbidden" => FieldErrors.Forbidden(field, detail),
        "FieldValueRequired" => FieldErrors.Required(field, detail),
        "FieldValueDuplicate" => FieldErrors.Duplicate(field, typeName),
        _ => FieldErrors.Invalid(field, typeName, detail),
    };

    private static string MessageOrDefault(ValidationRule rule) =>
        string.IsNullOrEmpty(rule.Message) ? "failed rule: " + ErrorString(rule) : rule.Message.Trim();

    private static string ErrorString(ValidationRule rule) =>
        string.IsNullOrEmpty(rule.Message) ? rule.Rule.Trim() : rule.Message.Trim();
}
