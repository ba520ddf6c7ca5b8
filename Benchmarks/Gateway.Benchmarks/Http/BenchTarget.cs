namespace OrleansGateway.Benchmarks.Http;

/// <summary>One thing measured: the provider called directly, the YARP pass-through or the gateway.</summary>
public sealed record BenchTarget(string Key, string Name, ServerProcess Server, string Url, string Model)
{
    /// <summary>The non-streaming request every target gets (only the model name differs).</summary>
    public string Body => $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":32}""";

    /// <summary>The same request, streamed.</summary>
    public string StreamBody => $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":32,"stream":true}""";

    /// <summary>The wrk script of this target, once written.</summary>
    public string Script { get; set; } = string.Empty;
}
