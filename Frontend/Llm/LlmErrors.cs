namespace OrleansGateway.Frontend.Llm;

/// <summary>The one mapping of a <see cref="GatewayError"/> to the <c>/llm</c> surface's status (its body is always <see cref="LlmErrorResponse"/>).</summary>
public static class LlmErrors
{
    /// <summary>The status code on the <c>/llm</c> surface: 400 for the caller's mistakes, 401/403 for keys, 429 for limits, 500 for provider failures.</summary>
    public static int StatusOf(GatewayError error) => error.Kind switch
    {
        GatewayErrorKind.InvalidRequest or GatewayErrorKind.NotFound or GatewayErrorKind.ProviderNotConfigured => StatusCodes.Status400BadRequest,
        GatewayErrorKind.NoRoute => StatusCodes.Status404NotFound,
        var kind => SharedErrorStatus.Of(kind) ?? StatusCodes.Status500InternalServerError,
    };
}
