namespace OrleansGateway.Providers;

/// <summary>
/// One provider that speaks the OpenAI wire format at its own base URL, bound from
/// <c>Gateway:Providers:&lt;name&gt;</c>. The environment shorthands <c>&lt;NAME&gt;_API_KEY</c> and
/// <c>&lt;NAME&gt;_BASE_URL</c> override the section.
/// </summary>
public sealed class ProviderOptions
{
    /// <summary>The OpenAI-compatible API root, e.g. <c>https://api.openai.com/v1</c>. Default: the built-in provider's URL; required for any other name.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The provider's API key. Default: none; a request to a provider without one gets a clear error. Local servers that need no key may set any value, or <see cref="RequiresApiKey"/> false.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Whether calls need <see cref="ApiKey"/>. Default: true, false for <c>local</c>.</summary>
    public bool? RequiresApiKey { get; set; }

    /// <summary>Requests in flight to this provider across the whole cluster. Default: 16.</summary>
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>Seconds one attempt may take before it is abandoned (504). Default: 120.</summary>
    public int TimeoutSeconds { get; set; } = 120;

    /// <summary>Seconds a stream may wait for its first token. Default: the attempt timeout.</summary>
    public int? FirstTokenTimeoutSeconds { get; set; }

    /// <summary>Seconds a stream may go without a chunk once started. Default: 60.</summary>
    public int StreamIdleTimeoutSeconds { get; set; } = 60;

    /// <summary>The model names <c>/v1/models</c> offers for this provider (without the provider prefix). Default: a few well-known models of the built-in providers.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>The embedding model names <c>/v1/models</c> offers for this provider (without the provider prefix), for <c>/v1/embeddings</c>. Default: none.</summary>
    public List<string> EmbeddingModels { get; set; } = [];

    /// <summary>The request field that carries the token limit: <c>max_completion_tokens</c> (OpenAI's current name) or <c>max_tokens</c> (what some compatible servers read). Default: <c>max_completion_tokens</c>, <c>max_tokens</c> for <c>local</c>.</summary>
    public string? MaxTokensField { get; set; }

    /// <summary>Whether the provider honours <c>response_format</c> with a JSON schema (used for classification). Default: true for openai, google and groq, false otherwise.</summary>
    public bool? SupportsJsonSchema { get; set; }

    /// <summary>Requests that may wait for a slot. Default: 10000.</summary>
    public int MaxQueue { get; set; } = 10_000;

    /// <summary>Seconds a request may wait for a slot before it is answered 429. Default: 60.</summary>
    public int QueueTimeoutSeconds { get; set; } = 60;

    /// <summary>The share of slots batch work keeps while interactive requests wait (0–1). Default: 0.2.</summary>
    public double BatchMinShare { get; set; } = 0.2;

    /// <summary>Seconds a slot's lease lives unless its holder renews it. Default: 30.</summary>
    public int LeaseTtlSeconds { get; set; } = 30;

    /// <summary>
    /// Milliseconds a process may keep a finished request's slot for its next request instead of giving it
    /// back, while the provider has at least a quarter of its slots free and nobody waiting; 0 turns this off.
    /// A kept slot counts as in use. Default: 100.
    /// </summary>
    public int LeaseReuseMilliseconds { get; set; } = 100;

    /// <summary>Retries after the first attempt for 429, 408, 5xx, connection failures and timeouts. Default: 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Milliseconds of the first backoff step (full jitter, doubling). Default: 500.</summary>
    public int RetryBaseDelayMilliseconds { get; set; } = 500;

    /// <summary>Seconds a single backoff or <c>Retry-After</c> wait may last at most. Default: 30.</summary>
    public int MaxRetryDelaySeconds { get; set; } = 30;

    /// <summary>Consecutive failures that open the circuit. Default: 5.</summary>
    public int CircuitFailureThreshold { get; set; } = 5;

    /// <summary>Seconds an open circuit waits before it lets one trial request through. Default: 30.</summary>
    public int CircuitCooldownSeconds { get; set; } = 30;

    /// <summary>Per model name, the <c>provider/model</c> chain tried when it fails. Default: none.</summary>
    public Dictionary<string, List<string>> Fallbacks { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
