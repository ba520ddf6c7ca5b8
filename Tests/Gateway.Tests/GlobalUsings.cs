// What most test files use: xunit, the fake provider and the shared test infrastructure, HTTP status codes, headers and
// JSON content, JSON and text, concurrent and immutable collections, dependency injection, and the chat, batch, error,
// provider and storage types the tests drive.
global using System.Collections.Concurrent;
global using System.Collections.Immutable;
global using System.Net;
global using System.Net.Http.Headers;
global using System.Net.Http.Json;
global using System.Text;
global using System.Text.Json;
global using Microsoft.Extensions.DependencyInjection;
global using OrleansGateway.Batch;
global using OrleansGateway.Chat;
global using OrleansGateway.Errors;
global using OrleansGateway.FakeProvider;
global using OrleansGateway.Providers;
global using OrleansGateway.Storage;
global using OrleansGateway.Tests.Infrastructure;
global using Xunit;
