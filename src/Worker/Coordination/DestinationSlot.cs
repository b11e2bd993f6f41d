using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Worker.Coordination;

/// <summary>A destQueue entry this source holds: which daemon to push to.</summary>
internal sealed record DestinationSlot(QueueItem Item, string Host, int Port, string WhoAmI);
