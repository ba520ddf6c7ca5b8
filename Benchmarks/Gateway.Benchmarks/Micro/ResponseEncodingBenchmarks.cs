using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using OrleansGateway.Frontend.Http;
using OrleansGateway.Frontend.OpenAi;
using OrleansGateway.Frontend.OpenAi.Chat;

namespace OrleansGateway.Benchmarks.Micro;

/// <summary>Writing a <c>chat.completion</c>: the wire object, its JSON, and the endpoint's <c>TypedResults.Json</c> on a response.</summary>
[MemoryDiagnoser]
public class ResponseEncodingBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private IServiceScopeFactory _scopes = null!;

    [GlobalSetup]
    public void Setup() => _scopes = new ServiceCollection().AddLogging().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>();

    [Benchmark]
    public int SerializeSourceGenerated()
    {
        _buffer.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_buffer);
        JsonSerializer.Serialize(writer, ChatCompletionsApi.ToResponse(BenchData.Result), GatewayJsonContext.Default.ChatCompletionResponse);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public Task<int> TypedResultsJsonToResponse() =>
        ExecuteAsync(TypedResults.Json(ChatCompletionsApi.ToResponse(BenchData.Result), GatewayJsonContext.Default.ChatCompletionResponse));

    /// <summary>
    /// Executes a result on a context set up as Kestrel's are: request services come from a scope opened
    /// on first use (and disposed with the request), so a result that asks for a service pays for the scope.
    /// </summary>
    private async Task<int> ExecuteAsync(IResult result)
    {
        var context = new DefaultHttpContext { ServiceScopeFactory = _scopes };
        context.Response.Body = Stream.Null;
        await result.ExecuteAsync(context);
        if (context.Features.Get<IServiceProvidersFeature>() is IAsyncDisposable requestServices)
        {
            await requestServices.DisposeAsync();
        }

        return context.Response.StatusCode;
    }
}
