// What most grain files use: logging and options, and the chat, error and provider types the grains pass around.
global using Microsoft.Extensions.Logging;
global using Microsoft.Extensions.Options;
global using OrleansGateway.Chat;
global using OrleansGateway.Errors;
global using OrleansGateway.Providers;
