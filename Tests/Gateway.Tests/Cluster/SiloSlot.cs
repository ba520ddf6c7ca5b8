namespace OrleansGateway.Tests.Cluster;

/// <summary>One silo's place in the test cluster: its ports (kept across restarts) and its current process.</summary>
public sealed class SiloSlot(string name)
{
    public string Name { get; } = name;

    public int HttpPort { get; } = FreePorts.Next();

    public int SiloPort { get; } = FreePorts.Next();

    public int GatewayPort { get; } = FreePorts.Next();

    /// <summary>The running process, if any (replaced on restart).</summary>
    public HostProcess? Process { get; private set; }

    public void StartProcess(HostProcess process) => Process = process;

    /// <summary>Whether a <c>/health</c> member address (<c>127.0.0.1:PORT@generation</c>) is this slot's silo.</summary>
    public bool IsAddress(string address) => address.Contains($":{SiloPort}@", StringComparison.Ordinal);
}
