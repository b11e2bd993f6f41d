namespace ZkSync.ZooKeeper.Tests.Support;

/// <summary>Asserts that an async API throws before it returns a task, i.e. before anything is queued or sent.</summary>
internal static class Synchronously
{
    /// <summary>The call throws exactly <typeparamref name="T"/> synchronously.</summary>
    public static T Throws<T>(Func<Task> call)
        where T : Exception => Assert.Throws<T>(() => { _ = call(); });
}
