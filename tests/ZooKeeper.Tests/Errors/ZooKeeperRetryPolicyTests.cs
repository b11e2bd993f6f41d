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

    [Fact]
    public async Task ExecuteAsync_ByDefault_RetriesUntilTheSessionIsLost()
    {
        var untilLost = new ZooKeeperRetryPolicy { InitialDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2) };
        Assert.Null(untilLost.MaxAttempts);
        var attempts = 0;

        await Assert.ThrowsAsync<SessionExpiredException>(() => untilLost.ExecuteAsync(_ =>
        {
            attempts++;
            return attempts < 50 ? Task.FromException(new ConnectionLossException("/x")) : Task.FromException(new SessionExpiredException("/x"));
        }));

        Assert.Equal(50, attempts);
    }

    [Fact]
    public async Task ExecuteAsync_TellsTheOperationWhetherAnEarlierAttemptMayHaveBeenApplied()
    {
        var seen = new List<bool>();

        await Fast.ExecuteAsync((attempt, _) =>
        {
            seen.Add(attempt.IsRetry);
            return seen.Count < 3 ? Task.FromException(new OperationTimeoutException("/x")) : Task.CompletedTask;
        });

        Assert.Equal([false, true, true], seen);
    }

    [Fact]
    public async Task ExecuteSettled_WhenTheProbeFindsTheWriteApplied_DoesNotWriteAgain()
    {
        var writes = 0;
        var probes = 0;

        var result = await Fast.ExecuteAsync(
            _ =>
            {
                writes++;
                return Task.FromException<string>(new ConnectionLossException("/x"));
            },
            _ =>
            {
                probes++;
                return Task.FromResult(Settlement<string>.Known("applied"));
            });

        Assert.Equal("applied", result);
        Assert.Equal(1, writes);
        Assert.Equal(1, probes);
    }

    [Fact]
    public async Task ExecuteSettled_WhenTheProbeFindsNothing_WritesAgain_AndRetriesTheProbeItself()
    {
        var writes = 0;
        var probes = 0;

        var result = await Fast.ExecuteAsync(
            _ =>
            {
                writes++;
                return writes == 1 ? Task.FromException<int>(new ConnectionLossException("/x")) : Task.FromResult(writes);
            },
            _ =>
            {
                probes++;
                return probes == 1 ? Task.FromException<Settlement<int>>(new ConnectionLossException("/x")) : Task.FromResult(Settlement<int>.NotApplied);
            });

        Assert.Equal(2, result);
        Assert.Equal(2, writes);
        Assert.Equal(2, probes);
    }

    [Fact]
    public async Task ExecuteSettled_WhenTheWriteFailsWithAnAnswer_NeitherProbesNorRetries()
    {
        var probes = 0;

        await Assert.ThrowsAsync<NodeExistsException>(() => Fast.ExecuteAsync(
            _ => Task.FromException<bool>(new NodeExistsException("/x")),
            _ =>
            {
                probes++;
                return Task.FromResult(Settlement<bool>.Known(true));
            }));

        Assert.Equal(0, probes);
    }
}
