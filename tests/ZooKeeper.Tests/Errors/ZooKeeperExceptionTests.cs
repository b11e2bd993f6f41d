namespace ZkSync.ZooKeeper.Tests.Errors;

public sealed class ZooKeeperExceptionTests
{
    public static TheoryData<ZooKeeperErrorCode> ErrorCodes()
    {
        var data = new TheoryData<ZooKeeperErrorCode>();
        foreach (var code in Enum.GetValues<ZooKeeperErrorCode>().Where(code => code != ZooKeeperErrorCode.Ok))
        {
            data.Add(code);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ErrorCodes))]
    public void Create_EveryErrorCode_HasItsOwnSealedExceptionType(ZooKeeperErrorCode code)
    {
        var exception = ZooKeeperException.Create(code, "/some/node", "details");

        Assert.Equal($"{code}Exception", exception.GetType().Name);
        Assert.True(exception.GetType().IsSealed);
        Assert.Equal(code, exception.Code);
        Assert.Equal("/some/node", exception.Path);
        Assert.Contains(code.ToString(), exception.Message, StringComparison.Ordinal);
        Assert.Contains("/some/node", exception.Message, StringComparison.Ordinal);
        Assert.Contains("details", exception.Message, StringComparison.Ordinal);
        Assert.Null(exception.FailedOperationIndex);
        Assert.Null(exception.MultiResults);
    }

    [Fact]
    public void Create_MapsEveryErrorCodeToADifferentType()
    {
        var codes = Enum.GetValues<ZooKeeperErrorCode>().Where(code => code != ZooKeeperErrorCode.Ok).ToList();

        var types = codes.Select(code => ZooKeeperException.Create(code).GetType()).Distinct().ToList();

        Assert.Equal(codes.Count, types.Count);
        Assert.DoesNotContain(typeof(UnknownErrorException), types);
    }

    [Fact]
    public void Create_CodesTheServerUses_MapToTheExpectedTypes()
    {
        Assert.IsType<NoNodeException>(ZooKeeperException.Create(ZooKeeperErrorCode.NoNode));
        Assert.IsType<NodeExistsException>(ZooKeeperException.Create(ZooKeeperErrorCode.NodeExists));
        Assert.IsType<BadVersionException>(ZooKeeperException.Create(ZooKeeperErrorCode.BadVersion));
        Assert.IsType<NotEmptyException>(ZooKeeperException.Create(ZooKeeperErrorCode.NotEmpty));
        Assert.IsType<NoAuthException>(ZooKeeperException.Create(ZooKeeperErrorCode.NoAuth));
        Assert.IsType<SessionExpiredException>(ZooKeeperException.Create(ZooKeeperErrorCode.SessionExpired));
        Assert.IsType<ConnectionLossException>(ZooKeeperException.Create(ZooKeeperErrorCode.ConnectionLoss));
        Assert.IsType<RuntimeInconsistencyException>(ZooKeeperException.Create(ZooKeeperErrorCode.RuntimeInconsistency));
        Assert.Equal(-101, (int)ZooKeeperErrorCode.NoNode);
        Assert.Equal(-112, (int)ZooKeeperErrorCode.SessionExpired);
    }

    [Fact]
    public void Create_AnUnknownCode_KeepsTheCodeInAnUnknownErrorException()
    {
        var exception = ZooKeeperException.Create((ZooKeeperErrorCode)(-999), "/x");

        var unknown = Assert.IsType<UnknownErrorException>(exception);
        Assert.Equal(-999, (int)unknown.Code);
        Assert.Contains("-999", unknown.Message, StringComparison.Ordinal);
    }
}
