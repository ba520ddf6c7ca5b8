namespace OrleansGateway.Frontend.Http;

/// <summary>An API surface of the gateway: it decides the error shape of every answer under its route group.</summary>
public enum ApiSurface
{
    /// <summary>The documented <c>/llm</c> API (and <c>GET /</c>): errors as <c>{"status":"error","error":...}</c>.</summary>
    Llm = 0,

    /// <summary>The OpenAI-compatible <c>/v1</c> API and the admin API: errors as OpenAI's <c>{"error":{...}}</c>.</summary>
    OpenAi = 1,
}
