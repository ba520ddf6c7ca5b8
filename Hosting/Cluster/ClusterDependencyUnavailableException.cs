namespace OrleansGateway.Hosting;

/// <summary>Redis or Azure Table storage did not answer when the host started; the message says which and where.</summary>
public sealed class ClusterDependencyUnavailableException : Exception
{
    public ClusterDependencyUnavailableException()
    {
    }

    public ClusterDependencyUnavailableException(string message)
        : base(message)
    {
    }

    public ClusterDependencyUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
