using OrleansGateway.Errors;
using OrleansGateway.Frontend.Json;
using OrleansGateway.Frontend.Llm;

namespace OrleansGateway.Frontend.Errors;

/// <summary>Maps a <see cref="GatewayError"/> to the <c>/llm</c> surface's documented error body and status, once.</summary>
public static class LlmErrors
{
    /// <summary>The status code of an error on the <c>/llm</c> surface: 400 for the caller's mistakes, 429 for limits, 500 for provider failures.</summary>
    public static int StatusOf(GatewayError error) => error.Kind switch
    {
        GatewayErrorKind.InvalidRequest or GatewayErrorKind.NotFound or GatewayErrorKind.ProviderNotConfigured => StatusCodes.Status400BadRequest,
        GatewayErrorKind.RateLimited or GatewayErrorKind.QueueFull => StatusCodes.Status429TooManyRequests,
        GatewayErrorKind.Cancelled => 499,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The documented error response.</summary>
    public static IResult ToResult(GatewayError error, HttpContext? context = null)
    {
        if (context is not null)
        {
            ApiSurface.SetRetryAfter(context, error);
        }

        return TypedResults.Json(LlmErrorResponse.For(error.Message), GatewayJsonContext.Default.LlmErrorResponse, statusCode: StatusOf(error));
    }

    /// <summary>A 400 with the documented body.</summary>
    public static IResult BadRequest(string message) => ToResult(GatewayError.Invalid(message));

    /// <summary>A 413 with the documented body.</summary>
    public static IResult TooLarge(GatewayError error) =>
        TypedResults.Json(LlmErrorResponse.For(error.Message), GatewayJsonContext.Default.LlmErrorResponse, statusCode: StatusCodes.Status413PayloadTooLarge);
}
