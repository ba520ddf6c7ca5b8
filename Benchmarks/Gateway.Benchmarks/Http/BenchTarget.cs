namespace OrleansGateway.Benchmarks.Http;

/// <summary>
/// One thing measured: the provider called directly, the YARP pass-through or the gateway; with
/// <see cref="Tools"/> its request carries three tool definitions (the pass-through path of <c>tools</c>).
/// </summary>
public sealed record BenchTarget(string Key, string Name, ServerProcess Server, string Url, string Model, bool Tools = false)
{
    /// <summary>Three function definitions, as an agent framework sends them with every request.</summary>
    public const string ThreeTools = """
        ,"tools":[{"type":"function","function":{"name":"get_weather","description":"The current weather in a city.","parameters":{"type":"object","properties":{"city":{"type":"string","description":"The city name"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city"]}}},{"type":"function","function":{"name":"search_docs","description":"Searches the product documentation.","parameters":{"type":"object","properties":{"query":{"type":"string"},"limit":{"type":"integer","minimum":1,"maximum":20}},"required":["query"]}}},{"type":"function","function":{"name":"create_ticket","description":"Opens a support ticket.","parameters":{"type":"object","properties":{"title":{"type":"string"},"priority":{"type":"string","enum":["low","normal","high"]},"body":{"type":"string"}},"required":["title","body"]}}}],"tool_choice":"auto"
        """;

    /// <summary>The non-streaming request every target gets (only the model name differs, and the tools of a tools target).</summary>
    public string Body => $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":32{{(Tools ? ThreeTools : string.Empty)}}}""";

    /// <summary>The same request, streamed.</summary>
    public string StreamBody => $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":32,"stream":true}""";

    /// <summary>The wrk script of this target, once written.</summary>
    public string Script { get; set; } = string.Empty;
}
