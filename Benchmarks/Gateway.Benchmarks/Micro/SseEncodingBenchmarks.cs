using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using OrleansGateway.Frontend.Http;
using OrleansGateway.Frontend.OpenAi.Streaming;
using OrleansGateway.Frontend.Streaming;

namespace OrleansGateway.Benchmarks.Micro;

/// <summary>Writing one <c>chat.completion.chunk</c> as a Server-Sent Event (<see cref="SseWriter"/>, source-generated JSON, flush).</summary>
[MemoryDiagnoser]
public class SseEncodingBenchmarks
{
    private readonly ChatCompletionChunk _chunk = new("chatcmpl-fake-0123456789ab", "chat.completion.chunk", 1764000000, "fake/m",
        [new ChunkChoice(0, new ChunkDelta(null, "word7 "), null)], null);

    private SseWriter _writer = null!;

    [GlobalSetup]
    public void Setup()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = Stream.Null;
        _writer = new SseWriter(context.Response);
    }

    [Benchmark]
    public Task WriteContentChunk() => _writer.WriteDataAsync(_chunk, GatewayJsonContext.Default.ChatCompletionChunk, CancellationToken.None);
}
