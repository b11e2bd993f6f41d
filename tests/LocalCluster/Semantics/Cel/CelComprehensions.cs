using System.Collections;
using Cel;
using Cel.Internal;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>
/// CEL's comprehension macros (all, exists, exists_one, filter, map) with cel-go's semantics, replacing the Cel
/// package's: those rethrow a missing field at once (so "!self.items.all(m, m.x != 'z')" fails where cel-go gives
/// true because one item is false), iterate maps as key/value pairs instead of keys in filter() and map(), and let
/// map() return no-such-field markers instead of an error. The package offers no way to register macros, so they are
/// put into its (private) macro table (<see cref="CelPackageInternals"/>).
/// </summary>
internal static class CelComprehensions
{
    public static void Install(CelEnvironment environment)
    {
        var macros = CelPackageInternals.Macros(environment);
        macros["all"] = All;
        macros["exists"] = Exists;
        macros["exists_one"] = ExistsOne;
        macros["filter"] = Filter;
        macros["map"] = Map;
    }

    /// <summary>False if any element is false; otherwise an error if any element failed; otherwise true.</summary>
    private static object? All(object? range, string variable, CelExpressionDelegate predicate, TryGetVariableDelegate variables, TryGetFunctionWithArgValuesDelegate functions)
    {
        string? error = null;
        foreach (var item in Elements(range))
        {
            var (result, failure) = Evaluate(predicate, variable, item, variables);
            if (result is false)
            {
                return false;
            }

            error ??= result is true ? null : failure ?? "no such overload";
        }

        return error is null ? true : throw new CelEvaluationException(error);
    }

    /// <summary>True if any element is true; otherwise an error if any element failed; otherwise false.</summary>
    private static object? Exists(object? range, string variable, CelExpressionDelegate predicate, TryGetVariableDelegate variables, TryGetFunctionWithArgValuesDelegate functions)
    {
        string? error = null;
        foreach (var item in Elements(range))
        {
            var (result, failure) = Evaluate(predicate, variable, item, variables);
            if (result is true)
            {
                return true;
            }

            error ??= result is false ? null : failure ?? "no such overload";
        }

        return error is null ? false : throw new CelEvaluationException(error);
    }

    /// <summary>Exactly one element true; any error is raised.</summary>
    private static object? ExistsOne(object? range, string variable, CelExpressionDelegate predicate, TryGetVariableDelegate variables, TryGetFunctionWithArgValuesDelegate functions)
    {
        var count = 0;
        foreach (var item in Elements(range))
        {
            count += Predicate(predicate, variable, item, variables) ? 1 : 0;
        }

        return count == 1;
    }

    private static object? Filter(object? range, string variable, CelExpressionDelegate predicate, TryGetVariableDelegate variables, TryGetFunctionWithArgValuesDelegate functions) =>
        Elements(range).Where(item => Predicate(predicate, variable, item, variables)).ToArray();

    private static object? Map(object? range, string variable, CelExpressionDelegate transform, TryGetVariableDelegate variables, TryGetFunctionWithArgValuesDelegate functions) =>
        Elements(range).Select(item =>
        {
            var (result, failure) = Evaluate(transform, variable, item, variables);
            return failure is null ? result : throw new CelEvaluationException(failure);
        }).ToArray();

    /// <summary>A list's elements, or a map's keys.</summary>
    private static IEnumerable<object?> Elements(object? range) => range switch
    {
        IDictionary map => map.Keys.Cast<object?>().ToList(),
        IList list => list.Cast<object?>().ToList(),
        _ => throw new CelEvaluationException("no such overload"),
    };

    private static bool Predicate(CelExpressionDelegate predicate, string variable, object? item, TryGetVariableDelegate variables)
    {
        var (result, failure) = Evaluate(predicate, variable, item, variables);
        return result is bool value ? value : throw new CelEvaluationException(failure ?? "no such overload");
    }

    private static (object? Result, string? Failure) Evaluate(CelExpressionDelegate expression, string variable, object? item, TryGetVariableDelegate variables)
    {
        bool Scope(string name, out object? value)
        {
            if (name == variable)
            {
                value = item;
                return true;
            }

            return variables(name, out value);
        }

        try
        {
            var result = expression(Scope);
            return CelOptionals.IsAbsent(result) ? (null, CelErrorText.NoSuchKey(result)) : (result, null);
        }
        catch (Exception e) when (CelErrorText.IsEvaluationError(e))
        {
            return (null, CelErrorText.Of(e));
        }
    }
}
