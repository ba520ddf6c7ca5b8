using System.Net;
using System.Net.Sockets;

namespace OrleansGateway.Benchmarks;

/// <summary>Free loopback TCP ports.</summary>
public static class FreePort
{
    private static readonly HashSet<int> s_given = [];

    public static int Next()
    {
        lock (s_given)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (s_given.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
