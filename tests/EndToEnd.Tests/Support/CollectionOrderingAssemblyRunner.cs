using Xunit.Abstractions;
using Xunit.Sdk;

namespace ZkSync.EndToEnd.Tests.Support;

/// <summary>xUnit v2's assembly runner, giving each collection its test cases with those of the classes marked
/// <see cref="RunLastInCollectionAttribute"/> last (a stable sort: the others keep xUnit's order).</summary>
public sealed class CollectionOrderingAssemblyRunner(
    ITestAssembly testAssembly, IEnumerable<IXunitTestCase> testCases, IMessageSink diagnosticMessageSink, IMessageSink executionMessageSink,
    ITestFrameworkExecutionOptions executionOptions)
    : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
{
    protected override Task<RunSummary> RunTestCollectionAsync(
        IMessageBus messageBus, ITestCollection testCollection, IEnumerable<IXunitTestCase> testCases, CancellationTokenSource cancellationTokenSource) =>
        base.RunTestCollectionAsync(messageBus, testCollection, testCases.OrderBy(RunsLast).ToList(), cancellationTokenSource);

    private static bool RunsLast(IXunitTestCase testCase) =>
        testCase.TestMethod.TestClass.Class.GetCustomAttributes(typeof(RunLastInCollectionAttribute)).Any();
}
