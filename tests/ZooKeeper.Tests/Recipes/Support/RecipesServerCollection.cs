using ZkSync.Testing;

namespace ZkSync.ZooKeeper.Tests.Recipes.Support;

/// <summary>One ZooKeeper server for the recipe tests that do not disturb it; each test works in its own chroot.</summary>
[CollectionDefinition(Name)]
public sealed class RecipesServerCollection : ICollectionFixture<ZooKeeperServerFixture>
{
    public const string Name = "Recipes server";
}
