namespace OrleansGateway.Frontend.Http;

/// <summary>A parsed request body, or the error (400, or 413 as <see cref="GatewayErrorKind.PayloadTooLarge"/>) that explains why it could not be read.</summary>
public readonly record struct BodyReadResult<T>(T? Value, GatewayError? Error)
    where T : class;
