namespace OrleansGateway.Frontend.Errors;

/// <summary>Which error shape a path answers with: OpenAI's under <c>/v1</c>, the documented <c>/llm</c> body elsewhere.</summary>
public static class ApiSurface
{
    public static bool IsOpenAi(PathString path) => path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase);

    /// <summary>Sets <c>Retry-After</c> when the error says how long to wait.</summary>
    public static void SetRetryAfter(HttpContext context, OrleansGateway.Errors.GatewayError error)
    {
        if (error.RetryAfterSeconds is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Writes an error in the shape of the path's surface.</summary>
    public static Task WriteErrorAsync(HttpContext context, OrleansGateway.Errors.GatewayError error, int statusCode)
    {
        context.Response.StatusCode = statusCode;
        SetRetryAfter(context, error);

        return IsOpenAi(context.Request.Path)
            ? context.Response.WriteAsJsonAsync(OpenAiErrors.BodyOf(error), Json.GatewayJsonContext.Default.OpenAiErrorResponse)
            : context.Response.WriteAsJsonAsync(Llm.LlmErrorResponse.For(error.Message), Json.GatewayJsonContext.Default.LlmErrorResponse);
    }
}
