using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using OrleansGateway.Frontend.Json;
using OrleansGateway.Frontend.OpenAi;

namespace OrleansGateway.Benchmarks.Micro;

/// <summary>Writing a <c>chat.completion</c>: the wire object, its JSON, and the endpoint's <c>TypedResults.Json</c> on a response.</summary>
[MemoryDiagnoser]
public class ResponseEncodingBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private IServiceProvider _services = null!;

    [GlobalSetup]
    public void Setup() => _services = new ServiceCollection().AddLogging().BuildServiceProvider();

    [Benchmark]
    public int SerializeSourceGenerated()
    {
        _buffer.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_buffer);
        JsonSerializer.Serialize(writer, OpenAiApi.ToResponse(BenchData.Result), GatewayJsonContext.Default.ChatCompletionResponse);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public async Task<long> TypedResultsJsonToResponse()
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Response.Body = Stream.Null;
        JsonHttpResult<ChatCompletionResponse> result = TypedResults.Json(OpenAiApi.ToResponse(BenchData.Result), GatewayJsonContext.Default.ChatCompletionResponse);
        await result.ExecuteAsync(context);
        return context.Response.StatusCode;
    }
}
