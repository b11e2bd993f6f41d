using System.Reflection;
using Cel;
using Cel.Internal;
using Google.Protobuf.Reflection;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>
/// The two places where we reach into the Cel package (0.3.3, pinned) by reflection, because it offers no public way:
/// its macro table, which we fill with cel-go's comprehension semantics, and its protobuf file descriptors, which we
/// empty: it scans every descriptor's enums on each field selection and function call (a rule's cost several times
/// over), and Kubernetes rules never name protobuf messages or enums. Both fail loudly if the package changes shape.
/// </summary>
internal static class CelPackageInternals
{
    private const BindingFlags Instance = BindingFlags.NonPublic | BindingFlags.Instance;

    public static Dictionary<string, CelMacroDelegate> Macros(CelEnvironment environment) =>
        Visitor(environment).GetType().GetProperty("InternalMacros", Instance)?.GetValue(Visitor(environment)) as Dictionary<string, CelMacroDelegate>
            ?? throw Changed("InternalMacros");

    public static void DropProtobufDescriptors(CelEnvironment environment)
    {
        var visitor = Visitor(environment);
        var field = visitor.GetType().GetField("<FileDescriptors>k__BackingField", Instance) ?? throw Changed("FileDescriptors");
        field.SetValue(visitor, new List<FileDescriptor>());
    }

    private static object Visitor(CelEnvironment environment) =>
        typeof(CelEnvironment).GetProperty("CelVisitor", Instance)?.GetValue(environment) ?? throw Changed("CelVisitor");

    private static InvalidOperationException Changed(string member) =>
        new($"the Cel package no longer has the {member} of version 0.3.3; CelPackageInternals must be revisited");
}
