using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ZkSync.EndToEnd.Tests.Support;

/// <summary>xUnit v2's executor, running the assembly with <see cref="CollectionOrderingAssemblyRunner"/>.</summary>
public sealed class CollectionOrderingExecutor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
    : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
{
    // xUnit's own signature (an async void override): the runner reports completion through the message sink.
    protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
    {
        using var runner = new CollectionOrderingAssemblyRunner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
        await runner.RunAsync().ConfigureAwait(false);
    }
}
