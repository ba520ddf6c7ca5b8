using OrleansGateway.Frontend.Json;

namespace OrleansGateway.Frontend.Chat;

/// <summary>
/// The singletons the chat endpoints use, taken once from the application's services. A handler that
/// asks for services as parameters makes ASP.NET Core open (and dispose) a DI scope for every request;
/// these are singletons, so the chat endpoints get them from here and no request opens a scope
/// (the endpoints are plain request delegates, see <see cref="Handle"/>).
/// Resolved on first use, after the host (and its silo) started.
/// </summary>
public sealed class ChatEndpointServices(IServiceProvider services)
{
    private RequestBodyReader? _reader;
    private ModelResolver? _models;
    private ChatDispatcher? _dispatcher;

    public RequestBodyReader Reader => _reader ??= services.GetRequiredService<RequestBodyReader>();

    public ModelResolver Models => _models ??= services.GetRequiredService<ModelResolver>();

    public ChatDispatcher Dispatcher => _dispatcher ??= services.GetRequiredService<ChatDispatcher>();

    /// <summary>The endpoint's request delegate: runs <paramref name="handler"/> with these services and executes the result it returns.</summary>
    public RequestDelegate Handle(Func<HttpContext, ChatEndpointServices, Task<IResult>> handler) =>
        async context => await (await handler(context, this)).ExecuteAsync(context);
}
