using Antlr4.Runtime;
using Cel;
using Cel.Internal;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>
/// The CEL environment CRD validation rules run in, built on the Cel package (0.3.3) and shared by every schema (the
/// package keeps no state per evaluation). What Kubernetes 1.32 adds to CEL and the package lacks is registered here:
/// the strings extension, Kubernetes' list, regex, URL, quantity, IP and CIDR libraries, sets, optionals (see each
/// class), and presence-testing has(). Where the package still falls short of cel-go, and what we did:
/// <list type="bullet">
/// <item>No type checker: a rule is only parsed when the schema is loaded; CelRuleChecks adds what it can statically
/// (fields a rule selects on self must exist in the schema). Type errors surface when the rule runs, as
/// "no such overload" evaluation errors.</item>
/// <item>has() in the package tests for a non-empty value (proto3 style); ours tests presence, as cel-go does on
/// JSON objects.</item>
/// <item>size() in the package returns a 32-bit integer and counts UTF-16 units; ours returns an int and counts code
/// points. matches() uses Go regular expression semantics (GoRegex).</item>
/// <item>The package's ==, != and "in" raise an error for values of different types and compare set and map lists in
/// order; rules are rewritten to call CelEquality instead (see CelExpressionRewriter). Its comprehension macros are
/// replaced (CelComprehensions). The ordering operators (&lt;, &gt; ...) are still the package's.</item>
/// <item>getMilliseconds() of a duration returns the whole duration in milliseconds, as in cel-go.</item>
/// <item>Speed: the package walks a rule's parse tree on every evaluation; we drop its protobuf descriptors (see
/// CelPackageInternals), and the validator does not run rules whose failure would be ratcheted.</item>
/// <item>No cost estimation or runtime cost limits: a test elsewhere must check that every list and string a rule
/// touches has maxItems/maxLength.</item>
/// <item>Not available: two-variable comprehensions (all(i, v, ...)), the format library (format.dns1123Label() ...),
/// optional index and entry syntax.</item>
/// </list>
/// </summary>
internal static class KubernetesCelEnvironment
{
    private static readonly Lazy<CelEnvironment> Shared = new(Create);

    /// <summary>Identifiers bound to namespaces, so that namespaced functions resolve (see <see cref="CelNamespace"/>).</summary>
    private static readonly Dictionary<string, object?> Namespaces = new(StringComparer.Ordinal)
    {
        ["sets"] = new CelNamespace("sets"),
        ["strings"] = new CelNamespace("strings"),
        ["optional"] = new CelNamespace("optional"),
        ["ip"] = new CelNamespace("ip"),
    };

    public static CelEnvironment Environment => Shared.Value;

    /// <summary>The variables a rule sees: self, oldSelf when given, and the namespace identifiers.</summary>
    public static Dictionary<string, object?> Variables(object? self, bool hasOldSelf, object? oldSelf)
    {
        var variables = new Dictionary<string, object?>(Namespaces, StringComparer.Ordinal) { ["self"] = self };
        if (hasOldSelf)
        {
            variables["oldSelf"] = oldSelf;
        }

        return variables;
    }

    /// <summary>Whether the expression refers to oldSelf (a transition rule).</summary>
    public static bool UsesOldSelf(string expression)
    {
        var lexer = new CelLexer(new AntlrInputStream(expression));
        lexer.RemoveErrorListeners();
        return lexer.GetAllTokens().Any(t => t.Type == CelLexer.IDENTIFIER && t.Text == "oldSelf");
    }

    private static CelEnvironment Create()
    {
        var environment = new CelEnvironment(null, null);
        environment.RegisterFunction("has", [typeof(object)], a => !CelOptionals.IsAbsent(a[0]));
        CelStrings.Register(environment);
        CelLists.Register(environment);
        CelRegexAndUrls.Register(environment);
        CelQuantities.Register(environment);
        CelNetworks.Register(environment);
        CelOptionals.Register(environment);
        CelEquality.Register(environment);
        CelComprehensions.Install(environment);
        CelPackageInternals.DropProtobufDescriptors(environment);
        environment.RegisterFunction("type", [typeof(object)],
            a => CelOptionals.IsAbsent(a[0]) ? throw new CelEvaluationException(CelErrorText.NoSuchKey(a[0])) : global::Cel.Helpers.TypeHelpers.ConvertType(a[0]));
        environment.RegisterFunction("getMilliseconds", [typeof(Google.Protobuf.WellKnownTypes.Duration)],
            a => (long)((Google.Protobuf.WellKnownTypes.Duration)a[0]!).ToTimeSpan().TotalMilliseconds);
        return environment;
    }
}
