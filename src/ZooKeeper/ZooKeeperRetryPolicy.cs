namespace ZkSync.ZooKeeper;

/// <summary>
/// The one place that decides what is worth retrying: a lost connection or a timeout (the session
/// lives on and the request may simply be re-sent), never an expired session, a closed client or a
/// server's answer. By default an operation is retried until it succeeds or the session is lost (the
/// client then fails it with <see cref="SessionExpiredException"/>); retries back off exponentially with jitter.
/// </summary>
/// <remarks>
/// A retried operation must be idempotent. A write that is not (a sequential create, a transaction) goes
/// through <see cref="ExecuteAsync{T}(Func{CancellationToken, Task{T}}, Func{CancellationToken, Task{Settlement{T}}}, CancellationToken)"/>:
/// after a lost reply, a probe of what the write leaves behind (a uuid-named node, a taken node holding
/// our id, a version-checked marker written in the same transaction) settles whether it happened before
/// it is sent again.
/// </remarks>
public sealed class ZooKeeperRetryPolicy
{
    public static ZooKeeperRetryPolicy Default { get; } = new();

    /// <summary>Attempts before the last retryable error is rethrown; null (the default): until the session is lost.</summary>
    public int? MaxAttempts { get; init; }

    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(2);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public static bool IsRetryable(Exception exception) =>
        exception is ConnectionLossException or OperationTimeoutException or RequestTimeoutException or ThrottledException;

    /// <summary>Runs an idempotent <paramref name="operation"/>, again after every retryable error.</summary>
    public Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return ExecuteAsync((_, token) => operation(token), cancellationToken);
    }

    /// <summary>As <see cref="ExecuteAsync{T}(Func{CancellationToken, Task{T}}, CancellationToken)"/>; the operation is told
    /// whether an earlier attempt may have been applied with its reply lost (a create then finds its own node).</summary>
    public async Task<T> ExecuteAsync<T>(Func<RetryAttempt, CancellationToken, Task<T>> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation(new RetryAttempt(attempt), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (IsRetryable(exception) && !IsLastAttempt(attempt))
            {
                await BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task ExecuteAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return ExecuteAsync(async token =>
        {
            await operation(token).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc cref="ExecuteAsync{T}(Func{RetryAttempt, CancellationToken, Task{T}}, CancellationToken)"/>
    public Task ExecuteAsync(Func<RetryAttempt, CancellationToken, Task> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return ExecuteAsync(async (attempt, token) =>
        {
            await operation(attempt, token).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Runs a write that is not idempotent. When its reply is lost, <paramref name="settle"/> (retried as an
    /// idempotent read; it should sync first, as the reconnected server may lag behind the write) looks at
    /// what the write leaves behind: a known outcome ends the call with it, an unknown one sends the write again.
    /// </summary>
    public async Task<T> ExecuteAsync<T>(
        Func<CancellationToken, Task<T>> write,
        Func<CancellationToken, Task<Settlement<T>>> settle,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(settle);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await write(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (IsRetryable(exception) && !IsLastAttempt(attempt))
            {
                await BackOffAsync(attempt, cancellationToken).ConfigureAwait(false);
                var settled = await ExecuteAsync(settle, cancellationToken).ConfigureAwait(false);
                if (settled.IsKnown)
                {
                    return settled.Result;
                }
            }
        }
    }

    private bool IsLastAttempt(int attempt) => MaxAttempts is { } max && attempt >= max;

    private Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(DelayFor(attempt), TimeProvider, cancellationToken);

    private TimeSpan DelayFor(int attempt)
    {
        var exponential = InitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 16));
        var capped = Math.Min(exponential, MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }
}
