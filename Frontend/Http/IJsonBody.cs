namespace OrleansGateway.Frontend.Http;

/// <summary>A bound request body, for <see cref="JsonBodyFilter"/> to find among a handler's arguments.</summary>
public interface IJsonBody
{
    /// <summary>Why the body could not be read, or null when it was.</summary>
    GatewayError? Error { get; }
}
