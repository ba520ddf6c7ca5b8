// What most test files use: xunit, the fake provider and the shared test infrastructure, HTTP status codes, JSON and text,
// dependency injection, and the chat and batch types the tests drive.
global using System.Net;
global using System.Text;
global using System.Text.Json;
global using Microsoft.Extensions.DependencyInjection;
global using OrleansGateway.Batch;
global using OrleansGateway.Chat;
global using OrleansGateway.FakeProvider;
global using OrleansGateway.Tests.Infrastructure;
global using Xunit;
