// What nearly every endpoint file of the frontend uses: the shared HTTP plumbing and the typed results, JSON, options,
// the gateway's errors, and the chat types and dispatcher most endpoints hand their requests to.
global using System.Text.Json;
global using Microsoft.AspNetCore.Http.HttpResults;
global using Microsoft.Extensions.Options;
global using OrleansGateway.Chat;
global using OrleansGateway.Errors;
global using OrleansGateway.Frontend.Chat;
global using OrleansGateway.Frontend.Http;
