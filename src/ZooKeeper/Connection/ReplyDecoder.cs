using ZkSync.ZooKeeper.Protocol;

namespace ZkSync.ZooKeeper.Connection;

/// <summary>Turns a reply (error code and body) into a result, or throws the error's exception.</summary>
internal delegate T ReplyDecoder<T>(ZooKeeperErrorCode error, ref JuteReader body);
