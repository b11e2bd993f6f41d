using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("ZkSync.EndToEnd.Tests.Support.CollectionOrderingFramework", "ZkSync.EndToEnd.Tests")]

namespace ZkSync.EndToEnd.Tests.Support;

/// <summary>
/// xUnit v2 with one change: within a collection, the classes marked <see cref="RunLastInCollectionAttribute"/> run
/// after the others. xUnit v2 runs a collection's classes one after the other in the order their test cases reach the
/// collection runner (a test case orderer orders only within a class), so the assembly runner hands each collection
/// its test cases with the marked classes' moved to the end; everything else (fixtures, parallelism, reporting) is
/// xUnit's own.
/// </summary>
public sealed class CollectionOrderingFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new CollectionOrderingExecutor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);
}
