namespace OrleansGateway.Tests.Infrastructure;

/// <summary>Assertions on the two surfaces' error bodies.</summary>
public static class ErrorAssert
{
    /// <summary>The <c>/llm</c> documented error: status, and <c>{"status":"error","error":...,"content":null,"usage":null}</c>.</summary>
    public static async Task<string> LlmErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? messageContains = null)
    {
        var body = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("error", body.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("content").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("usage").ValueKind);
        var message = body.GetProperty("error").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(message));
        if (messageContains is not null)
        {
            Assert.Contains(messageContains, message, StringComparison.OrdinalIgnoreCase);
        }

        return message;
    }

    /// <summary>OpenAI's error object: status, and <c>{"error":{"message","type","param","code"}}</c>.</summary>
    public static async Task<JsonElement> OpenAiErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? messageContains = null, string? type = null)
    {
        var body = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        var error = body.GetProperty("error");
        var message = error.GetProperty("message").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.True(error.TryGetProperty("type", out _), "error.type missing");
        Assert.True(error.TryGetProperty("param", out _), "error.param missing");
        Assert.True(error.TryGetProperty("code", out _), "error.code missing");
        if (messageContains is not null)
        {
            Assert.Contains(messageContains, message, StringComparison.OrdinalIgnoreCase);
        }

        if (type is not null)
        {
            Assert.Equal(type, error.GetProperty("type").GetString());
        }

        return error;
    }
}
