namespace OrleansGateway.Benchmarks.Http;

/// <summary>One streamed completion as the client saw it: status, time to the first content token, total time, whether <c>[DONE]</c> arrived.</summary>
public readonly record struct StreamSample(int Status, double FirstTokenMs, double TotalMs, bool Done)
{
    public bool Ok => Status == 200 && Done;
}
