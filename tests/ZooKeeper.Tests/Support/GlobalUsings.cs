// What every test project shares (TcpProxy, TestOutputLoggerProvider, the server fixtures) is in TestSupport.
global using ZkSync.Testing;
