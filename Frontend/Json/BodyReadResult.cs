using OrleansGateway.Errors;

namespace OrleansGateway.Frontend.Json;

/// <summary>A parsed request body, or the error (400 or 413) that explains why it could not be read.</summary>
public readonly record struct BodyReadResult<T>(T? Value, GatewayError? Error, bool TooLarge)
    where T : class;
