namespace ZkSync.ZooKeeper.Tests.Errors;

public sealed class ZooKeeperRetryPolicyTests
{
    private static readonly ZooKeeperRetryPolicy Fast = new() { InitialDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5), MaxAttempts = 4 };

    [Fact]
    public void IsRetryable_ConnectionLossAndTimeouts_AreRetryable()
    {
        Assert.True(ZooKeeperRetryPolicy.IsRetryable(new ConnectionLossException()));
        Assert.True(ZooKeeperRetryPolicy.IsRetryable(new OperationTimeoutException()));
        Assert.True(ZooKeeperRetryPolicy.IsRetryable(new RequestTimeoutException()));
        Assert.True(ZooKeeperRetryPolicy.IsRetryable(new ThrottledException()));
    }

    [Fact]
    public void IsRetryable_SessionExpiredAndServerAnswers_AreNotRetryable()
    {
        Assert.False(ZooKeeperRetryPolicy.IsRetryable(new SessionExpiredException()));
        Assert.False(ZooKeeperRetryPolicy.IsRetryable(new NoNodeException()));
        Assert.False(ZooKeeperRetryPolicy.IsRetryable(new NodeExistsException()));
        Assert.False(ZooKeeperRetryPolicy.IsRetryable(new AuthFailedException()));
        Assert.False(ZooKeeperRetryPolicy.IsRetryable(new OperationCanceledException()));
        Assert.False(ZooKeeperRetryPolicy.IsRetryable(new ObjectDisposedException("client")));
    }

    [Fact]
    public async Task ExecuteAsync_WhenConnectionIsLostTwice_RetriesUntilItSucceeds()
    {
        var attempts = 0;

        var result = await Fast.ExecuteAsync(_ =>
        {
            attempts++;
            return attempts < 3 ? throw new ConnectionLossException("/x") : Task.FromResult("done");
        });

        Assert.Equal("done", result);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task ExecuteAsync_WhenTheSessionExpired_DoesNotRetry()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<SessionExpiredException>(() => Fast.ExecuteAsync(_ =>
        {
            attempts++;
            return Task.FromException(new SessionExpiredException("/x"));
        }));

        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task ExecuteAsync_WhenEveryAttemptLosesTheConnection_GivesUpAfterMaxAttempts()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<ConnectionLossException>(() => Fast.ExecuteAsync(_ =>
        {
            attempts++;
            return Task.FromException(new ConnectionLossException("/x"));
        }));

        Assert.Equal(Fast.MaxAttempts, attempts);
    }

    [Fact]
    public async Task ExecuteAsync_WhenCancelledWhileBackingOff_StopsRetrying()
    {
        using var cancellation = new CancellationTokenSource();
        var slow = new ZooKeeperRetryPolicy { InitialDelay = TimeSpan.FromMinutes(1), MaxDelay = TimeSpan.FromMinutes(1) };
        var attempts = 0;

        var running = slow.ExecuteAsync(_ =>
        {
            attempts++;
            return Task.FromException(new ConnectionLossException("/x"));
        }, cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(1, attempts);
    }
}
