namespace OrleansGateway.Chat;

/// <summary>Who is waiting for a provider slot: a person (interactive) or a batch job.</summary>
[GenerateSerializer, Alias("gw.RequestPriority")]
public enum RequestPriority
{
    /// <summary>A request whose caller waits for the answer.</summary>
    Interactive = 0,

    /// <summary>A task of a batch job.</summary>
    Batch = 1,
}
