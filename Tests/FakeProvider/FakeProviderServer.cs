using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrleansGateway.FakeProvider;

/// <summary>
/// An OpenAI-compatible provider that really listens on loopback (Kestrel), so the <c>OpenAI</c>
/// package's real client code runs against it. It records requests, the peak number in flight
/// and cancelled requests, and answers what <see cref="Behavior"/> says (an echo by default).
/// </summary>
public sealed class FakeProviderServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _inFlight;
    private int _peakInFlight;
    private int _cancelled;
    private int _completed;
    private long _total;

    private FakeProviderServer(WebApplication app) => _app = app;

    /// <summary>The base URL to configure as the provider's <c>BaseUrl</c> (ends in <c>/v1</c>).</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>Decides each answer; default: echoes the last user message.</summary>
    public Func<FakeRequest, FakeReply> Behavior { get; set; } = DefaultBehavior;

    /// <summary>Whether requests are kept in <see cref="Requests"/>. Default: true.</summary>
    public bool RecordRequests { get; set; } = true;

    /// <summary>The requests received, in arrival order.</summary>
    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    /// <summary>Requests being answered now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The most requests ever in flight at once since the last <see cref="ResetCounters"/>.</summary>
    public int PeakInFlight => Volatile.Read(ref _peakInFlight);

    /// <summary>Requests whose client went away before the answer was complete.</summary>
    public int CancelledCount => Volatile.Read(ref _cancelled);

    /// <summary>Requests answered to the end.</summary>
    public int CompletedCount => Volatile.Read(ref _completed);

    /// <summary>Requests received.</summary>
    public long TotalCount => Interlocked.Read(ref _total);

    /// <summary>Raised (on a pool thread) when a client abandons a request.</summary>
    public event Action? RequestCancelled;

    /// <summary>Raised (on a pool thread) when a chat request was answered to the end (its client got the whole answer).</summary>
    public event Action<FakeRequest>? RequestAnswered;

    /// <summary>Top-level request fields the fake rejects with a 400 (<c>Unrecognized request argument supplied: x</c>), as OpenAI does for fields it does not know.</summary>
    public ISet<string> RejectedFields { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// The default answer. With tools in the request (and <c>tool_choice</c> not <c>none</c>) and a
    /// user message last, it calls the chosen tool (the one <c>tool_choice</c> names, else the first)
    /// with <c>{"query": &lt;last user message&gt;}</c>; with a tool result last it answers
    /// <c>tool said: &lt;result&gt;</c>; otherwise <c>echo: &lt;last user message&gt;</c>.
    /// </summary>
    public static FakeReply DefaultBehavior(FakeRequest request)
    {
        if (request.Tools.Count > 0 && request.ToolChoice != "none" && request.LastRole == "user")
        {
            var name = request.ToolChoice is { } choice && request.Tools.Contains(choice) ? choice : request.Tools[0];
            return FakeReply.CallTools(new FakeToolCall(name, JsonSerializer.Serialize(new { query = request.LastUserMessage })));
        }

        return request.LastRole is "tool" or "function"
            ? FakeReply.Text("tool said: " + request.Messages[^1].Content)
            : FakeReply.Text("echo: " + request.LastUserMessage);
    }

    /// <summary>Starts listening on <paramref name="url"/> (default: a free loopback port).</summary>
    public static async Task<FakeProviderServer> StartAsync(string url = "http://127.0.0.1:0")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024 * 1024);
        var app = builder.Build();
        var server = new FakeProviderServer(app);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        app.MapPost("/chat/completions", server.HandleAsync);
        app.MapPost("/v1/embeddings", server.HandleEmbeddingsAsync);
        app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = new[] { new { id = "fake-model", @object = "model" } } }));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = address.TrimEnd('/') + "/v1";
        return server;
    }

    /// <summary>Completes when the host is told to stop (SIGTERM, Ctrl+C).</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>Clears the counters and recorded requests.</summary>
    public void ResetCounters()
    {
        Volatile.Write(ref _peakInFlight, Volatile.Read(ref _inFlight));
        Volatile.Write(ref _cancelled, 0);
        Volatile.Write(ref _completed, 0);
        Interlocked.Exchange(ref _total, 0);
        Requests.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _total);
        var inFlight = Interlocked.Increment(ref _inFlight);
        UpdatePeak(inFlight);
        var aborted = context.RequestAborted;
        try
        {
            var request = await ReadAsync(context);
            if (RecordRequests)
            {
                Requests.Enqueue(request);
            }

            var rejected = RejectedFields.FirstOrDefault(request.Has);
            var reply = rejected is null ? Behavior(request) : FakeReply.Error(400, $"Unrecognized request argument supplied: {rejected}");
            if (reply.Delay > TimeSpan.Zero)
            {
                await Task.Delay(reply.Delay, aborted);
            }

            foreach (var (name, value) in reply.Headers)
            {
                context.Response.Headers[name] = value;
            }

            if (reply.Status != 200)
            {
                context.Response.StatusCode = reply.Status;
                await context.Response.WriteAsJsonAsync(new { error = new { message = reply.ErrorMessage, type = "fake_error", param = (string?)null, code = "fake" } }, aborted);
            }
            else if (reply.RawBody is not null)
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(reply.RawBody, aborted);
            }
            else if (request.Stream)
            {
                await StreamAsync(context, request, reply, aborted);
            }
            else
            {
                await context.Response.WriteAsJsonAsync(Completion(request, reply), aborted);
            }

            await context.Response.CompleteAsync();
            Interlocked.Increment(ref _completed);
            RequestAnswered?.Invoke(request);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            Interlocked.Increment(ref _cancelled);
            RequestCancelled?.Invoke();
        }
        catch (IOException) when (aborted.IsCancellationRequested)
        {
            Interlocked.Increment(ref _cancelled);
            RequestCancelled?.Invoke();
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>
    /// <c>POST /v1/embeddings</c>: one vector per input (a string, strings, token ids or token-id
    /// arrays), of <c>dimensions</c> floats (default 8) derived from the input's text, as floats or
    /// base64 little-endian float32 per <c>encoding_format</c>; usage counts the words (or tokens).
    /// </summary>
    private async Task HandleEmbeddingsAsync(HttpContext context)
    {
        Interlocked.Increment(ref _total);
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var model = root.TryGetProperty("model", out var m) ? m.GetString() ?? string.Empty : string.Empty;
        var request = new FakeRequest(model, [], false, false, body, context.Request.Headers.Authorization.ToString());
        if (RecordRequests)
        {
            Requests.Enqueue(request);
        }

        if (RejectedFields.FirstOrDefault(request.Has) is { } rejected)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsJsonAsync(new { error = new { message = $"Unrecognized request argument supplied: {rejected}", type = "invalid_request_error", param = rejected, code = (string?)null } });
            return;
        }

        // Behavior decides failures here too (a status other than 200); its text is not used.
        if (Behavior(request) is { Status: not 200 } failure)
        {
            context.Response.StatusCode = failure.Status;
            await context.Response.WriteAsJsonAsync(new { error = new { message = failure.ErrorMessage, type = "fake_error", param = (string?)null, code = "fake" } });
            return;
        }

        var input = root.GetProperty("input");
        var texts = input.ValueKind == JsonValueKind.String
            ? [input.GetString()!]
            : input.EnumerateArray().All(i => i.ValueKind == JsonValueKind.Number)
                ? [string.Join(' ', input.EnumerateArray().Select(i => i.GetInt32()))]
                : input.EnumerateArray().Select(i => i.ValueKind == JsonValueKind.String ? i.GetString()! : string.Join(' ', i.EnumerateArray().Select(t => t.GetInt32()))).ToList();
        var dimensions = root.TryGetProperty("dimensions", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetInt32() : 8;
        var base64 = root.TryGetProperty("encoding_format", out var f) && f.GetString() == "base64";
        var data = texts.Select((text, index) =>
        {
            var vector = FakeEmbedding(text, dimensions);
            object embedding = base64 ? Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan())) : vector;
            return new { @object = "embedding", index, embedding };
        }).ToArray();
        var tokens = texts.Sum(CountTokens);
        await context.Response.WriteAsJsonAsync(new { @object = "list", data, model, usage = new { prompt_tokens = tokens, total_tokens = tokens } });
        Interlocked.Increment(ref _completed);
    }

    /// <summary>A deterministic vector for a text: value i is the text's length plus i, over 100, signed by the parity of the character sum.</summary>
    public static float[] FakeEmbedding(string text, int dimensions)
    {
        var sign = text.Sum(c => c) % 2 == 0 ? 1f : -1f;
        return [.. Enumerable.Range(0, dimensions).Select(i => sign * (text.Length + i) / 100f)];
    }

    private void UpdatePeak(int value)
    {
        var peak = Volatile.Read(ref _peakInFlight);
        while (value > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peakInFlight, value, peak);
            if (seen == peak)
            {
                return;
            }

            peak = seen;
        }
    }

    private static async Task<FakeRequest> ReadAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var messages = new List<(string, string)>();
        if (root.TryGetProperty("messages", out var list))
        {
            foreach (var message in list.EnumerateArray())
            {
                var role = message.GetProperty("role").GetString() ?? string.Empty;
                var content = message.TryGetProperty("content", out var c) ? ContentText(c) : string.Empty;
                messages.Add((role, content));
            }
        }

        var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var includeUsage = root.TryGetProperty("stream_options", out var o) && o.TryGetProperty("include_usage", out var u) && u.ValueKind == JsonValueKind.True;
        var model = root.TryGetProperty("model", out var m) ? m.GetString() ?? string.Empty : string.Empty;
        var tools = new List<string>();
        if (root.TryGetProperty("tools", out var toolList) && toolList.ValueKind == JsonValueKind.Array)
        {
            tools.AddRange(toolList.EnumerateArray()
                .Where(t => t.TryGetProperty("function", out var f) && f.TryGetProperty("name", out _))
                .Select(t => t.GetProperty("function").GetProperty("name").GetString() ?? string.Empty));
        }

        if (root.TryGetProperty("functions", out var functions) && functions.ValueKind == JsonValueKind.Array)
        {
            tools.AddRange(functions.EnumerateArray().Where(f => f.TryGetProperty("name", out _)).Select(f => f.GetProperty("name").GetString() ?? string.Empty));
        }

        string? toolChoice = root.TryGetProperty("tool_choice", out var choice)
            ? choice.ValueKind == JsonValueKind.String ? choice.GetString()
                : choice.TryGetProperty("function", out var chosen) && chosen.TryGetProperty("name", out var chosenName) ? chosenName.GetString() : null
            : null;
        var n = root.TryGetProperty("n", out var nValue) && nValue.ValueKind == JsonValueKind.Number ? nValue.GetInt32() : 1;
        return new FakeRequest(model, messages, stream, includeUsage, body, context.Request.Headers.Authorization.ToString(),
            context.Request.Headers.AcceptEncoding.Count == 0 ? null : context.Request.Headers.AcceptEncoding.ToString())
        {
            Tools = tools,
            ToolChoice = toolChoice,
            N = Math.Max(1, n),
        };
    }

    private static string ContentText(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString() ?? string.Empty,
        JsonValueKind.Array => string.Concat(content.EnumerateArray().Select(p => p.TryGetProperty("text", out var t) ? t.GetString() : string.Empty)),
        _ => string.Empty,
    };

    private static int CountTokens(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    private static object Usage(FakeRequest request, string content)
    {
        var prompt = request.Messages.Sum(m => CountTokens(m.Content)) + 3;
        var completion = CountTokens(content);
        return new { prompt_tokens = prompt, completion_tokens = completion, total_tokens = prompt + completion };
    }

    /// <summary>Choice <paramref name="index"/>'s text: the reply's content, marked <c> [2]</c>, <c> [3]</c>... for the choices after the first.</summary>
    private static string ChoiceContent(FakeReply reply, int index) => index == 0 ? reply.Content : $"{reply.Content} [{index + 1}]";

    private static object ToolCallsJson(FakeReply reply, int choice) =>
        reply.ToolCalls!.Select((call, i) => new { id = $"call_{choice}_{i}", type = "function", function = new { name = call.Name, arguments = call.Arguments } }).ToArray();

    private static object Completion(FakeRequest request, FakeReply reply) => new
    {
        id = "chatcmpl-fake-" + Guid.NewGuid().ToString("N")[..12],
        @object = "chat.completion",
        created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        model = request.Model,
        system_fingerprint = "fp_fake",
        choices = Enumerable.Range(0, request.N).Select(i => reply.ToolCalls is null
            ? (object)new { index = i, message = new { role = "assistant", content = ChoiceContent(reply, i), refusal = (string?)null }, logprobs = (object?)null, finish_reason = reply.FinishReason }
            : new { index = i, message = new { role = "assistant", content = (string?)null, tool_calls = ToolCallsJson(reply, i) }, logprobs = (object?)null, finish_reason = reply.FinishReason }).ToArray(),
        usage = reply.IncludeUsage ? Usage(request, string.Concat(Enumerable.Range(0, request.N).Select(i => ChoiceContent(reply, i) + " "))) : null,
    };

    private static async Task StreamAsync(HttpContext context, FakeRequest request, FakeReply reply, CancellationToken aborted)
    {
        context.Response.ContentType = "text/event-stream";
        var id = "chatcmpl-fake-" + Guid.NewGuid().ToString("N")[..12];
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        async Task SendAsync(object payload)
        {
            await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(payload) + "\n\n", aborted);
            await context.Response.Body.FlushAsync(aborted);
        }

        object Chunk(object delta, string? finish, int choice = 0) => new
        {
            id, @object = "chat.completion.chunk", created, model = request.Model,
            choices = new[] { new { index = choice, delta, finish_reason = finish } },
        };

        if (reply.ToolCalls is { } calls)
        {
            // As OpenAI streams them: per call, one delta with its id and name, then the arguments in fragments.
            for (var choice = 0; choice < request.N; choice++)
            {
                await SendAsync(Chunk(new { role = "assistant", content = (string?)null }, null, choice));
                for (var i = 0; i < calls.Count; i++)
                {
                    await SendAsync(Chunk(new { tool_calls = new[] { new { index = i, id = $"call_{choice}_{i}", type = "function", function = new { name = calls[i].Name, arguments = "" } } } }, null, choice));
                    var half = calls[i].Arguments.Length / 2;
                    foreach (var fragment in new[] { calls[i].Arguments[..half], calls[i].Arguments[half..] })
                    {
                        await SendAsync(Chunk(new { tool_calls = new[] { new { index = i, function = new { arguments = fragment } } } }, null, choice));
                    }
                }

                await SendAsync(Chunk(new { }, reply.FinishReason, choice));
            }

            await context.Response.WriteAsync("data: [DONE]\n\n", aborted);
            await context.Response.Body.FlushAsync(aborted);
            return;
        }

        for (var choice = 0; choice < request.N; choice++)
        {
            await SendAsync(Chunk(new { role = "assistant", content = "" }, null, choice));
        }

        var chunks = reply.Chunks ?? SplitWords(reply.Content);
        for (var i = 0; i < chunks.Count; i++)
        {
            if (reply.AbortAfterChunks is { } abortAfter && i == abortAfter)
            {
                context.Abort();
                return;
            }

            if (reply.ChunkDelay > TimeSpan.Zero)
            {
                await Task.Delay(reply.ChunkDelay, aborted);
            }

            // Several choices interleaved, as OpenAI sends them; the later ones end with their marker.
            for (var choice = 0; choice < request.N; choice++)
            {
                var piece = choice > 0 && i == chunks.Count - 1 ? chunks[i] + $" [{choice + 1}]" : chunks[i];
                await SendAsync(Chunk(new { content = piece }, null, choice));
            }
        }

        for (var choice = 0; choice < request.N; choice++)
        {
            await SendAsync(Chunk(new { }, reply.FinishReason, choice));
        }

        if (request.IncludeUsage && reply.IncludeUsage)
        {
            await SendAsync(new
            {
                id, @object = "chat.completion.chunk", created, model = request.Model,
                choices = Array.Empty<object>(),
                usage = Usage(request, string.Concat(chunks)),
            });
        }

        await context.Response.WriteAsync("data: [DONE]\n\n", aborted);
        await context.Response.Body.FlushAsync(aborted);
    }

    private static List<string> SplitWords(string content)
    {
        var parts = new List<string>();
        var start = 0;
        for (var i = 0; i < content.Length; i++)
        {
            if (content[i] == ' ')
            {
                parts.Add(content[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (start < content.Length)
        {
            parts.Add(content[start..]);
        }

        return parts;
    }
}
