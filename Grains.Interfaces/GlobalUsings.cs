// What most wire types use: immutable collections, and the chat messages and gateway errors many records carry.
global using System.Collections.Immutable;
global using OrleansGateway.Chat;
global using OrleansGateway.Errors;
