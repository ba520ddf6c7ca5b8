using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using OrleansGateway.Chat;
using OrleansGateway.Frontend.Http;
using OrleansGateway.Frontend.OpenAi;
using OrleansGateway.Frontend.OpenAi.Chat;

namespace OrleansGateway.Benchmarks.Micro;

/// <summary>Reading a <c>/v1/chat/completions</c> body: source-generated JSON, then validation and mapping to a <see cref="ChatRequest"/>.</summary>
[MemoryDiagnoser]
public class RequestParsingBenchmarks
{
    private readonly RequestBodyReader _reader = new(BenchData.OptionsAccessor);

    [Benchmark]
    public ChatCompletionRequest? DeserializeSourceGenerated() =>
        JsonSerializer.Deserialize(BenchData.RequestBytes, GatewayJsonContext.Default.ChatCompletionRequest);

    [Benchmark]
    public ChatRequest? DeserializeAndMap()
    {
        var body = JsonSerializer.Deserialize(BenchData.RequestBytes, GatewayJsonContext.Default.ChatCompletionRequest)!;
        return ChatCompletionMapper.ToChatRequest(body, BenchData.Models).Request;
    }

    /// <summary>The one pass over the body that finds a string that cannot be transcoded (part of <see cref="ReadBodyAndMap"/>).</summary>
    [Benchmark]
    public string? FindInvalidString() => JsonStringValidator.FindInvalidString(BenchData.RequestBytes);

    /// <summary>What the endpoint does: <see cref="RequestBodyReader"/> on the request stream, then the mapper.</summary>
    [Benchmark]
    public async Task<ChatRequest?> ReadBodyAndMap()
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(BenchData.RequestBytes, writable: false);
        context.Request.ContentLength = BenchData.RequestBytes.Length;
        var body = await _reader.ReadAsync(context, GatewayJsonContext.Default.ChatCompletionRequest);
        return ChatCompletionMapper.ToChatRequest(body.Value!, BenchData.Models).Request;
    }
}
