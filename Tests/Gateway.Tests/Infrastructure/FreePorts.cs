// Also compiled into the benchmarks (linked from their projects), which have no global using of System.Net.
using System.Net;
using System.Net.Sockets;

namespace OrleansGateway.Tests.Infrastructure;

/// <summary>Free loopback TCP ports, so parallel test hosts never collide.</summary>
public static class FreePorts
{
    private static readonly HashSet<int> s_handedOut = [];

    public static int Next()
    {
        lock (s_handedOut)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (s_handedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
