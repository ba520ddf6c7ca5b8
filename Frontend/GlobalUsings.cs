// What nearly every endpoint file of the frontend uses: the shared HTTP plumbing and the typed results.
global using Microsoft.AspNetCore.Http.HttpResults;
global using OrleansGateway.Frontend.Http;
