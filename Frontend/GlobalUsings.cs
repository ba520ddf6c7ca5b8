// What nearly every endpoint file of the frontend uses: the shared HTTP plumbing and the typed results, JSON, options,
// the gateway's errors, and the chat types and dispatcher most endpoints hand their requests to.
global using System.Text.Json;
global using Microsoft.AspNetCore.Http.HttpResults;
global using Microsoft.Extensions.Options;
global using OrleansGateway.Chat;
global using OrleansGateway.Errors;
global using OrleansGateway.Frontend.Chat;
global using OrleansGateway.Frontend.Http;

// The frontend's own features, each a namespace: the host (Program), the JSON context and the OpenAPI schemas name
// them all, and the surfaces share their request, key and streaming types.
global using OrleansGateway.Frontend.Admin;
global using OrleansGateway.Frontend.Auth;
global using OrleansGateway.Frontend.Health;
global using OrleansGateway.Frontend.Hosting;
global using OrleansGateway.Frontend.Keys;
global using OrleansGateway.Frontend.Llm;
global using OrleansGateway.Frontend.Llm.Classification;
global using OrleansGateway.Frontend.Llm.Streaming;
global using OrleansGateway.Frontend.Llm.Summarization;
global using OrleansGateway.Frontend.OpenAi;
global using OrleansGateway.Frontend.OpenAi.Batch;
global using OrleansGateway.Frontend.OpenAi.Batches;
global using OrleansGateway.Frontend.OpenAi.Chat;
global using OrleansGateway.Frontend.OpenAi.Embeddings;
global using OrleansGateway.Frontend.OpenAi.Files;
global using OrleansGateway.Frontend.OpenAi.Models;
global using OrleansGateway.Frontend.OpenAi.Streaming;
global using OrleansGateway.Frontend.Operations;
global using OrleansGateway.Frontend.Streaming;
global using OrleansGateway.Frontend.Telemetry;
