using System.Globalization;
using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>
/// kube-openapi's SchemaValidator (validation/validate), as apiextensions-apiserver runs it on a custom resource:
/// the same validators in the same order (type, allOf/anyOf/oneOf/not, string, format, number, array, enum, object)
/// with the same messages, and the same translation of its results into field errors
/// (apiserver/validation/validation.go, kubeOpenAPIResultToFieldErrors). Data is read as the server decodes JSON:
/// integers as int64, other numbers as float64. Properties are visited in schema order where the server's Go maps
/// visit them in random order.
/// </summary>
internal static class OpenApiValidator
{
    private const string In = "body";

    /// <summary>
    /// Validates <paramref name="data"/>; on an update (<paramref name="old"/> given) errors inside values that did not
    /// change are dropped, as the server's ratcheting validator (apiserver/validation/ratcheting.go) turns them into
    /// warnings.
    /// </summary>
    public static List<FieldError> Validate(JsonNode? data, SchemaNode schema, string? fieldPrefix = null, OldValue? old = null)
    {
        var result = ValidateNode(data, schema, "", old);
        return result.Errors.Select(e => ToFieldError(e, fieldPrefix)).ToList();
    }

    /// <summary>kubeOpenAPIResultToFieldErrors.</summary>
    private static FieldError ToFieldError(OpenApiError error, string? prefix)
    {
        if (error.Code == OpenApiErrorCode.Composite)
        {
            return FieldErrors.Invalid(FieldErrors.Display(prefix), "", error.Message);
        }

        var path = error.Name.Length > 0 && error.Name != "." ? FieldErrors.Child(prefix, error.Name.TrimStart('.')) : prefix;
        var field = FieldErrors.Display(path);
        return error.Code switch
        {
            OpenApiErrorCode.Required => FieldErrors.Required(field, ""),
            OpenApiErrorCode.Enum => FieldErrors.NotSupported(field, error.Value, (error.Values ?? []).Select(EnumText)),
            OpenApiErrorCode.TooLong => FieldErrors.TooLong(field, error.Valid ?? -1),
            OpenApiErrorCode.MaxItems or OpenApiErrorCode.TooManyProperties =>
                FieldErrors.TooMany(field, error.Value is long actual ? actual : -1, error.Valid ?? -1),
            OpenApiErrorCode.InvalidType => FieldErrors.TypeInvalid(field, error.Value ?? "", error.Message),
            _ => FieldErrors.Invalid(field, error.Value ?? "", error.Message),
        };
    }

    private static string EnumText(object? value) => value switch
    {
        string s => s,
        JsonNode node => node.ToJsonString(),
        null => "null",
        _ => GoFormat.V(value),
    };

    private static OpenApiResult ValidateNode(JsonNode? node, SchemaNode schema, string path, OldValue? old)
    {
        var result = ValidateNodeValue(node, schema, path, old);
        if (old is not null && !result.IsValid && Correlation.Unchanged(node, old.Value, schema))
        {
            var ratcheted = new OpenApiResult();
            ratcheted.AddMatches(result.MatchCount);
            return ratcheted;
        }

        return result;
    }

    private static OpenApiResult ValidateNodeValue(JsonNode? node, SchemaNode schema, string path, OldValue? old)
    {
        var result = new OpenApiResult();
        var data = GoFormat.Decode(node);
        if (data is null && node is null)
        {
            result.Merge(ValidateType(null, schema, path));
            result.Merge(ValidateEnum(null, node, schema, path));
            return result;
        }

        var validators = new List<Func<OpenApiResult?>>
        {
            () => HasType(schema) ? ValidateType(data, schema, path) : null,
            () => ValidateSchemaProps(node, schema, path, old),
        };
        if (data is string text)
        {
            validators.Add(() => ValidateString(text, schema, path));
            if (StringFormats.IsChecked(schema.Format))
            {
                validators.Add(() => StringFormats.IsValid(schema.Format!, text)
                    ? null
                    : OpenApiResult.Of(InvalidType(path, schema.Format!, text)));
            }
        }

        if (data is long or double)
        {
            validators.Add(() => ValidateNumber(data, schema, path));
        }

        if (node is JsonArray array)
        {
            validators.Add(() => ValidateArray(array, schema, path, old));
        }

        validators.Add(() => ValidateEnum(data, node, schema, path));
        if (node is JsonObject obj)
        {
            validators.Add(() => ValidateObject(obj, schema, path, old));
        }

        foreach (var validator in validators)
        {
            result.Merge(validator());
            result.Inc();
        }

        result.Inc();
        return result;
    }

    private static bool HasType(SchemaNode schema) => Types(schema).Count > 0 || !string.IsNullOrEmpty(FormatOf(schema));

    private static List<string> Types(SchemaNode schema) =>
        schema.XIntOrString ? ["integer", "string"] : string.IsNullOrEmpty(schema.Type) ? [] : [schema.Type];

    /// <summary>The format kube-openapi sees: the server strips the formats it does not check.</summary>
    private static string? FormatOf(SchemaNode schema) => StringFormats.IsChecked(schema.Format) ? schema.Format : null;

    /// <summary>typeValidator.Validate.</summary>
    private static OpenApiResult ValidateType(object? data, SchemaNode schema, string path)
    {
        var result = new OpenApiResult();
        result.Inc();
        var types = Types(schema);
        var format = FormatOf(schema) ?? "";
        if (data is null)
        {
            if (types.Count > 0 && !types.Contains("null") && !schema.Nullable)
            {
                return OpenApiResult.Of(InvalidType(path, string.Join(",", types), "null"));
            }

            return result;
        }

        var (schemaType, dataFormat) = data switch
        {
            bool => ("boolean", ""),
            string => ("string", ""),
            long => ("integer", "int64"),
            double => ("number", "float64"),
            JsonArray => ("array", ""),
            _ => ("object", ""),
        };
        var isStringOrSlice = data is string or JsonArray;
        var isFloatInt = schemaType == "number" && IsFloat64AJsonInteger((double)data) && types.Contains("integer");
        var isIntFloat = schemaType == "integer" && types.Contains("number");
        if (!isStringOrSlice && format.Length > 0 &&
            !(types.Contains(schemaType) || dataFormat == format || isFloatInt || isIntFloat))
        {
            return OpenApiResult.Of(InvalidType(path, format, dataFormat));
        }

        if (!(types.Contains("number") || types.Contains("integer")) && format.Length > 0 && isStringOrSlice)
        {
            return result;
        }

        if (!(types.Contains(schemaType) || isFloatInt || isIntFloat))
        {
            return OpenApiResult.Of(InvalidType(path, string.Join(",", types), schemaType));
        }

        return result;
    }

    /// <summary>schemaPropsValidator: anyOf, oneOf, allOf and not.</summary>
    private static OpenApiResult ValidateSchemaProps(JsonNode? node, SchemaNode schema, string path, OldValue? old)
    {
        var main = new OpenApiResult();
        if (schema.AnyOf.Count > 0)
        {
            OpenApiResult? bestFailures = null;
            OpenApiResult? firstSuccess = null;
            var succeeded = false;
            foreach (var anyOf in schema.AnyOf)
            {
                var result = ValidateNode(node, anyOf, path, old);
                if (result.IsValid)
                {
                    bestFailures = null;
                    succeeded = true;
                    firstSuccess ??= result;
                    break;
                }

                if (bestFailures is null || result.MatchCount > bestFailures.MatchCount)
                {
                    bestFailures = result;
                }
            }

            if (!succeeded)
            {
                main.Add(OpenApiError.Composite($"{GoFormat.Quote(path)} must validate at least one schema (anyOf)"));
            }

            main.Merge(bestFailures ?? firstSuccess);
        }

        if (schema.OneOf.Count > 0)
        {
            OpenApiResult? bestFailures = null;
            OpenApiResult? firstSuccess = null;
            var validated = 0;
            foreach (var oneOf in schema.OneOf)
            {
                var result = ValidateNode(node, oneOf, path, old);
                if (result.IsValid)
                {
                    validated++;
                    bestFailures = null;
                    firstSuccess ??= result;
                    continue;
                }

                if (validated == 0 && (bestFailures is null || result.MatchCount > bestFailures.MatchCount))
                {
                    bestFailures = result;
                }
            }

            if (validated != 1)
            {
                var additional = validated == 0 ? "Found none valid" : $"Found {validated} valid alternatives";
                main.Add(OpenApiError.Composite($"{GoFormat.Quote(path)} must validate one and only one schema (oneOf). {additional}"));
                main.Merge(bestFailures);
            }
            else
            {
                main.Merge(firstSuccess);
            }
        }

        if (schema.AllOf.Count > 0)
        {
            var validated = 0;
            foreach (var allOf in schema.AllOf)
            {
                var result = ValidateNode(node, allOf, path, old);
                if (result.IsValid)
                {
                    validated++;
                }

                main.Merge(result);
            }

            if (validated != schema.AllOf.Count)
            {
                var additional = validated == 0 ? ". None validated" : "";
                main.Add(OpenApiError.Composite($"{GoFormat.Quote(path)} must validate all the schemas (allOf){additional}"));
            }
        }

        if (schema.Not is { } not && ValidateNode(node, not, path, old).IsValid)
        {
            main.Add(OpenApiError.Composite($"{GoFormat.Quote(path)} must not validate the schema (not)"));
        }

        main.Inc();
        return main;
    }

    /// <summary>stringValidator: the first of maxLength, minLength and pattern that fails (lengths in runes).</summary>
    private static OpenApiResult? ValidateString(string data, SchemaNode schema, string path)
    {
        long length = data.EnumerateRunes().Count();
        if (schema.MaxLength is { } maxLength && length > maxLength)
        {
            return OpenApiResult.Of(new OpenApiError(OpenApiErrorCode.TooLong, path, data, maxLength, null,
                $"{path} in {In} should be at most {maxLength.ToString(CultureInfo.InvariantCulture)} chars long"));
        }

        if (schema.MinLength is { } minLength && length < minLength)
        {
            return OpenApiResult.Of(new OpenApiError(OpenApiErrorCode.TooShort, path, data, minLength, null,
                $"{path} in {In} should be at least {minLength.ToString(CultureInfo.InvariantCulture)} chars long"));
        }

        if (!string.IsNullOrEmpty(schema.Pattern))
        {
            var regex = GoRegex.TryCompile(schema.Pattern);
            if (regex is null)
            {
                return OpenApiResult.Of(new OpenApiError(OpenApiErrorCode.Pattern, path, data, null, null,
                    $"{path} in {In} should match '{schema.Pattern}, but pattern is invalid: {GoRegex.CompileError(schema.Pattern)}'"));
            }

            if (!regex.IsMatch(data))
            {
                return OpenApiResult.Of(new OpenApiError(OpenApiErrorCode.Pattern, path, data, null, null,
                    $"{path} in {In} should match '{schema.Pattern}'"));
            }
        }

        return null;
    }

    /// <summary>numberValidator: multipleOf, then minimum, then maximum, on int64 data with the bounds cut to int64.</summary>
    private static OpenApiResult ValidateNumber(object data, SchemaNode schema, string path)
    {
        var result = new OpenApiResult();
        if (schema.MultipleOf is { } factor)
        {
            if (data is long integer)
            {
                var intFactor = (long)factor;
                if (intFactor <= 0)
                {
                    result.Add(MultipleOfMustBePositive(path, intFactor));
                }
                else if (integer / intFactor * intFactor != integer)
                {
                    result.Add(NotMultipleOf(path, intFactor, data));
                }
            }
            else
            {
                var number = (double)data;
                if (factor <= 0)
                {
                    result.Add(MultipleOfMustBePositive(path, factor));
                }
                else if (!IsFloat64AJsonInteger(factor < 1 ? 1 / factor * number : number / factor))
                {
                    result.Add(NotMultipleOf(path, factor, data));
                }
            }
        }

        if (schema.Minimum is { } minimum)
        {
            var exclusive = schema.ExclusiveMinimum;
            var (fails, bound) = data is long integer
                ? (exclusive ? integer <= (long)minimum : integer < (long)minimum, (object)(long)minimum)
                : (exclusive ? (double)data <= minimum : (double)data < minimum, minimum);
            if (fails)
            {
                var relation = exclusive ? "greater than" : "greater than or equal to";
                result.Add(new OpenApiError(OpenApiErrorCode.Min, path, data, null, null, $"{path} in {In} should be {relation} {GoFormat.V(bound)}"));
            }
        }

        if (schema.Maximum is { } maximum)
        {
            var exclusive = schema.ExclusiveMaximum;
            var (fails, bound) = data is long integer
                ? (exclusive ? integer >= (long)maximum : integer > (long)maximum, (object)(long)maximum)
                : (exclusive ? (double)data >= maximum : (double)data > maximum, maximum);
            if (fails)
            {
                var relation = exclusive ? "less than" : "less than or equal to";
                result.Add(new OpenApiError(OpenApiErrorCode.Max, path, data, null, null, $"{path} in {In} should be {relation} {GoFormat.V(bound)}"));
            }
        }

        result.Inc();
        return result;
    }

    /// <summary>schemaSliceValidator: items (path[i]), then minItems, maxItems and uniqueItems.</summary>
    private static OpenApiResult ValidateArray(JsonArray array, SchemaNode schema, string path, OldValue? old)
    {
        var result = new OpenApiResult();
        if (schema.Items is { } items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                var oldItem = old is null ? null : Correlation.Item(array, old.Value, i, schema);
                result.Merge(ValidateNode(array[i], items, $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]", oldItem is null ? null : new OldValue(oldItem)));
            }
        }

        CheckCount(result, path, array.Count, schema.MinItems, schema.MaxItems, OpenApiErrorCode.MinItems, OpenApiErrorCode.MaxItems, "items");

        if (schema.UniqueItems && HasDuplicates(array))
        {
            result.Add(new OpenApiError(OpenApiErrorCode.Unique, path, null, null, null, $"{path} in {In} shouldn't contain duplicates"));
        }

        result.Inc();
        return result;
    }

    /// <summary>basicCommonValidator: the value must equal one of the enum's values (numbers compare by value).</summary>
    private static OpenApiResult? ValidateEnum(object? data, JsonNode? node, SchemaNode schema, string path)
    {
        if (schema.Enum is not { Count: > 0 } values)
        {
            return null;
        }

        if (node is not null && values.Any(v => JsonEquality.EnumMatches(node, v)))
        {
            return null;
        }

        return OpenApiResult.Of(new OpenApiError(OpenApiErrorCode.Enum, path, data ?? node, null, values.Select(v => (object?)(GoFormat.Decode(v) ?? v)).ToList(),
            $"{path} in {In} should be one of {EnumListText(values)}"));
    }

    /// <summary>objectValidator: min/maxProperties, additionalProperties, properties in schema order, then required.</summary>
    private static OpenApiResult ValidateObject(JsonObject obj, SchemaNode schema, string path, OldValue? old)
    {
        var result = new OpenApiResult();
        CheckCount(result, path, obj.Count, schema.MinProperties, schema.MaxProperties, OpenApiErrorCode.TooFewProperties, OpenApiErrorCode.TooManyProperties, "properties");

        if (schema.AdditionalPropertiesAllowed == false)
        {
            foreach (var (name, _) in obj)
            {
                if (schema.Property(name) is null)
                {
                    result.Add(new OpenApiError(OpenApiErrorCode.UnallowedProperty, path, name, null, null, $"{path}.{name} in {In} is a forbidden property"));
                }
            }
        }
        else if (schema.AdditionalProperties is { } additional)
        {
            foreach (var (name, value) in obj)
            {
                if (schema.Property(name) is null)
                {
                    result.Merge(ValidateNode(value, additional, path + "." + name, FieldOld(obj, old, path, name)));
                }
            }
        }

        foreach (var name in schema.PropertyOrder)
        {
            if (obj.TryGetPropertyValue(name, out var value))
            {
                result.Merge(ValidateNode(value, schema.Properties![name], path.Length > 0 ? path + "." + name : name, FieldOld(obj, old, path, name)));
            }
        }

        foreach (var name in schema.Required)
        {
            if (!obj.ContainsKey(name))
            {
                result.Add(new OpenApiError(OpenApiErrorCode.Required, path + "." + name, null, null, null, $"{path}.{name} in {In} is required"));
            }
        }

        return result;
    }

    /// <summary>minItems/maxItems and minProperties/maxProperties: "should have at least|most N items|properties".</summary>
    private static void CheckCount(OpenApiResult result, string path, long count, long? min, long? max, OpenApiErrorCode tooFew, OpenApiErrorCode tooMany, string noun)
    {
        if (min is { } atLeast && count < atLeast)
        {
            result.Add(new OpenApiError(tooFew, path, count, atLeast, null,
                $"{path} in {In} should have at least {atLeast.ToString(CultureInfo.InvariantCulture)} {noun}"));
        }

        if (max is { } atMost && count > atMost)
        {
            result.Add(new OpenApiError(tooMany, path, count, atMost, null,
                $"{path} in {In} should have at most {atMost.ToString(CultureInfo.InvariantCulture)} {noun}"));
        }
    }

    /// <summary>The correlated old value of a field; apiVersion and kind at the root never ratchet.</summary>
    private static OldValue? FieldOld(JsonObject obj, OldValue? old, string path, string name) =>
        old is not null && Correlation.HasField(obj, old.Value, name) && !(path.Length == 0 && name is "apiVersion" or "kind")
            ? new OldValue(Correlation.Field(obj, old.Value, name))
            : null;

    private static OpenApiError InvalidType(string path, string typeName, string value) =>
        new(OpenApiErrorCode.InvalidType, path, value, null, null, $"{path} in {In} must be of type {typeName}: {GoFormat.Quote(value)}");

    private static OpenApiError MultipleOfMustBePositive(string path, object factor) =>
        new(OpenApiErrorCode.MultipleOfMustBePositive, path, factor, null, null, $"factor MultipleOf declared for {path} must be positive: {GoFormat.V(factor)}");

    private static OpenApiError NotMultipleOf(string path, object factor, object data) =>
        new(OpenApiErrorCode.MultipleOf, path, data, null, null, $"{path} in {In} should be a multiple of {GoFormat.V(factor)}");

    /// <summary>Go's %v of the enum's []interface{}: [a b 1].</summary>
    private static string EnumListText(IReadOnlyList<JsonNode?> values) => "[" + string.Join(" ", values.Select(GoFormat.V)) + "]";

    private static bool HasDuplicates(JsonArray array)
    {
        for (var i = 0; i < array.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (JsonEquality.DeepEquals(array[i], array[j]))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>swag.IsFloat64AJSONInteger: integral within 1e-9 relative error and within ±2^53.</summary>
    internal static bool IsFloat64AJsonInteger(double f)
    {
        const double maxJsonFloat = 9007199254740991;
        if (double.IsNaN(f) || double.IsInfinity(f) || f < -maxJsonFloat || f > maxJsonFloat)
        {
            return false;
        }

        var g = Math.Truncate(f);
        if (f == g)
        {
            return true;
        }

        var diff = Math.Abs(f - g);
        if (g == 0)
        {
            return diff < 1e-9 * double.Epsilon;
        }

        return diff / Math.Min(Math.Abs(f) + Math.Abs(g), double.MaxValue) < 1e-9;
    }
}
